package io.sessionbench.store.redis;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.store.SessionId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a session and its user's index live on a Redis Cluster: which part of each key is the {@code {hash tag}}
 * that picks the slot. On one server (standalone or behind Sentinel) every design is one server-side step; on a
 * cluster only the designs that put a session and its user's index in one slot are.
 * <ul>
 *   <li>{@link #SESSION}: {@code p:{id}} and {@code p:u:{user}}: sessions spread by their random id; on a cluster a
 *   create, a listing and an invalidate-all take several round trips across slots (see {@link RedisLayout}).</li>
 *   <li>{@link #USER}: {@code p:{T}:id} and {@code p:{T}:u:user} where {@code T} is 4 characters derived from the
 *   user and carried as the first 4 characters of the session id (then 22 characters, 128 random bits), so the id
 *   alone still finds the session and a user's sessions and index share a slot.</li>
 *   <li>{@link #NAMESPACE}: {@code p:{sessions}:id} and {@code p:{sessions}:u:user}: everything in one slot, so one
 *   primary holds every session.</li>
 * </ul>
 */
public enum KeyDesign {
    SESSION, USER, NAMESPACE;

    /** Characters of the slot tag a {@link #USER} session id starts with. */
    static final int TAG_LENGTH = 4;
    private static final String NAMESPACE_TAG = "sessions";
    private static final Base64.Encoder TAG_ENCODER = Base64.getUrlEncoder().withoutPadding();

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KeyDesign of(String label) {
        for (KeyDesign k : values()) {
            if (k.label().equalsIgnoreCase(label.trim())) {
                return k;
            }
        }
        throw new ConfigException("unknown key design '" + label + "'; use session ({id} per session), user (the user's "
                + "slot tag inside the id) or namespace (one {sessions} slot)");
    }

    /** Whether a session and its user's index share a slot, so a create or an invalidate-all is one script on a cluster. */
    public boolean oneSlotPerUser() {
        return this != SESSION;
    }

    /** A new random id; for {@link #USER} it starts with the user's slot tag. */
    public SessionId newId(String userId) {
        SessionId random = SessionId.random();
        return this == USER ? new SessionId(tag(userId) + random.value()) : random;
    }

    public String sessionKey(String prefix, SessionId id) {
        return switch (this) {
            case SESSION -> prefix + ":{" + id.value() + "}";
            case USER -> prefix + ":{" + id.value().substring(0, TAG_LENGTH) + "}:" + id.value();
            case NAMESPACE -> prefix + ":{" + NAMESPACE_TAG + "}:" + id.value();
        };
    }

    String userKey(String prefix, String userId) {
        return switch (this) {
            case SESSION -> prefix + ":u:{" + userId + "}";
            case USER -> prefix + ":{" + tag(userId) + "}:u:" + userId;
            case NAMESPACE -> prefix + ":{" + NAMESPACE_TAG + "}:u:" + userId;
        };
    }

    /**
     * A {@code SCAN MATCH} pattern for this design's session keys only: not its user indexes ({@code …:u:user}, whose
     * second character after the tag is ':', which no id has) and not another design's keys under the same prefix.
     */
    String scanPattern(String prefix) {
        return switch (this) {
            case SESSION -> prefix + ":{*}";
            case USER -> prefix + ":{" + "?".repeat(TAG_LENGTH) + "}:?[^:]*";
            case NAMESPACE -> prefix + ":{" + NAMESPACE_TAG + "}:?[^:]*";
        };
    }

    /** The session id a scanned key names, or empty for a user index or a key of another design. */
    Optional<SessionId> idOfKey(String prefix, String key) {
        String head = prefix + ":{";
        if (!key.startsWith(head)) {
            return Optional.empty();
        }
        int close = key.indexOf('}', head.length());
        if (close < 0) {
            return Optional.empty();
        }
        String raw;
        if (this == SESSION) {
            raw = close == key.length() - 1 ? key.substring(head.length(), close) : null;
        } else {
            raw = key.startsWith("}:", close) && !key.startsWith("}:u:", close) ? key.substring(close + 2) : null;
        }
        if (raw == null || SessionId.problem(raw) != null) {
            return Optional.empty();
        }
        return Optional.of(new SessionId(raw));
    }

    /** 4 URL-safe characters from SHA-256 of the user id: 2^24 tags spread over the 16,384 slots. */
    static String tag(String userId) {
        byte[] digest = SHA256.get().digest(userId.getBytes(StandardCharsets.UTF_8));
        return TAG_ENCODER.encodeToString(new byte[] {digest[0], digest[1], digest[2]});
    }

    /** One digest per thread: a create computes the tag inside the timed call, so no provider lookup per call. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    });
}
