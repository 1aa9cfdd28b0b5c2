package io.sessionbench.store;

import java.security.SecureRandom;
import java.util.Base64;

/** A session id: 128 random bits from {@link SecureRandom}, URL-safe Base64 without padding (22 characters). */
public record SessionId(String value) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    public static final int MIN_LENGTH = 22;
    public static final int MAX_LENGTH = 64;

    public SessionId {
        String problem = problem(value);
        if (problem != null) {
            throw new StoreException.MalformedId(problem);
        }
    }

    public static SessionId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new SessionId(ENCODER.encodeToString(bytes));
    }

    /** Parses untrusted input; rejects anything that is not a well-formed id before it can reach a server. */
    public static SessionId parse(String raw) {
        return new SessionId(raw);
    }

    /** Why {@code raw} is not a well-formed id, or null when it is. */
    public static String problem(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "session id is empty; expected 22-64 URL-safe Base64 characters [A-Za-z0-9_-]";
        }
        if (raw.length() < MIN_LENGTH || raw.length() > MAX_LENGTH) {
            return "session id has " + raw.length() + " characters; expected 22-64 URL-safe Base64 characters [A-Za-z0-9_-]";
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return "session id has a forbidden character at position " + i + " (code " + (int) c
                        + "); only URL-safe Base64 [A-Za-z0-9_-] is allowed";
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
