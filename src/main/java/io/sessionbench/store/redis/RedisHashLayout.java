package io.sessionbench.store.redis;

import io.sessionbench.store.Names;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * {@code redis-hash}: one hash per session ({@code sh:{id}}), a field per attribute plus {@code #u #c #a #x #z} metadata (user,
 * created, last access, absolute expiry, attribute bytes). Updates touch only their fields, so concurrent
 * requests writing different attributes cannot erase each other.
 */
public final class RedisHashLayout extends RedisLayout {

    public RedisHashLayout(RedisPort redis, SessionPolicy policy, LongSupplier clock, KeyDesign keys) {
        super(io.sessionbench.store.Layout.REDIS_HASH.keyPrefix(), redis, policy, clock, keys);
    }

    @Override
    public String layout() {
        return io.sessionbench.store.Layout.REDIS_HASH.label();
    }

    @Override
    public Session create(String userId, Map<String, String> attributes) {
        long now = clock.getAsLong();
        Session s = newSession(userId, attributes, now);
        List<byte[]> extra = new ArrayList<>(3 + attributes.size() * 2);
        extra.add(bytes(userId));
        extra.add(bytes(s.absoluteExpiry()));
        extra.add(bytes(Session.attributeBytes(attributes)));
        attributes.forEach((k, v) -> {
            extra.add(bytes(k));
            extra.add(bytes(v));
        });
        store(RedisScripts.HASH_CREATE, RedisScripts.HASH_WRITE, s, createArgs(s.id(), now, s.absoluteExpiry(), extra));
        return s;
    }

    @Override
    public Optional<Session> load(SessionId id) {
        Map<String, byte[]> h = redis.hgetall(sessionKey(id));
        if (h.isEmpty()) {
            return Optional.empty();
        }
        byte[] user = h.get("#u");
        if (user == null) {
            throw new StoreException.Corrupt("session " + id + " is a hash without its #u owner field; invalidate it", null);
        }
        Map<String, String> attrs = new HashMap<>(h.size());
        h.forEach((k, v) -> {
            if (!k.startsWith("#")) {
                attrs.put(k, string(v));
            }
        });
        long abs = number(id, h, "#x");
        if (expiredAbsolutely(abs)) {
            return Optional.empty();
        }
        return Optional.of(new Session(id, string(user), number(id, h, "#c"), number(id, h, "#a"), abs, attrs));
    }

    private static long number(SessionId id, Map<String, byte[]> h, String field) {
        try {
            return Long.parseLong(string(h.get(field)));
        } catch (NumberFormatException e) {
            throw new StoreException.Corrupt("session " + id + " has a non-numeric " + field + " field; invalidate it", e);
        }
    }

    @Override
    public Optional<String> attribute(SessionId id, String name) {
        Names.attribute(name);
        List<byte[]> v = redis.hmget(sessionKey(id), bytes("#x"), bytes(name));
        if (v.get(0) == null || expiredAbsolutely(Long.parseLong(string(v.get(0))))) {
            return Optional.empty();
        }
        return Optional.ofNullable(string(v.get(1)));
    }

    @Override
    public boolean setAttributes(SessionId id, Map<String, String> attributes) {
        Names.attributes(attributes);
        policy.checkSize(id, Session.attributeBytes(attributes));
        byte[][] args = new byte[3 + attributes.size() * 2][];
        long now = clock.getAsLong();
        args[0] = bytes(now);
        args[1] = bytes(policy.idleTtl().toMillis());
        args[2] = bytes(policy.maxSessionBytes());
        int i = 3;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            args[i++] = bytes(e.getKey());
            args[i++] = bytes(e.getValue());
        }
        long r = (Long) redis.eval(RedisScripts.HASH_SET, new byte[][] {sessionKey(id)}, args);
        if (r == -1) {
            throw new StoreException.TooLarge("session " + id + " would grow above " + policy.maxSessionBytes()
                    + " bytes of attributes; nothing was written; store less or raise max-session-bytes");
        }
        if (r == -2) {
            throw new StoreException.Corrupt("session " + id + " is a hash without its metadata fields; invalidate it", null);
        }
        return r == 1;
    }

    @Override
    public boolean touch(SessionId id) {
        return request(id, List.of()).isPresent();
    }

    @Override
    public Optional<Map<String, String>> request(SessionId id, Collection<String> names) {
        return requestReply(names, redis.eval(RedisScripts.HASH_REQUEST, new byte[][] {sessionKey(id)}, requestArgs(names)));
    }

    @Override
    public CompletionStage<Optional<Map<String, String>>> requestAsync(SessionId id, Collection<String> names) {
        return redis.evalAsync(RedisScripts.HASH_REQUEST, new byte[][] {sessionKey(id)}, requestArgs(names))
                .thenApply(r -> requestReply(names, r));
    }

    private byte[][] requestArgs(Collection<String> names) {
        byte[][] args = new byte[2 + names.size()][];
        args[0] = bytes(clock.getAsLong());
        args[1] = bytes(policy.idleTtl().toMillis());
        int i = 2;
        for (String n : names) {
            args[i++] = bytes(Names.attribute(n));
        }
        return args;
    }

    private static Optional<Map<String, String>> requestReply(Collection<String> names, Object reply) {
        List<?> r = (List<?>) reply;
        if (((Long) r.get(0)) == 0) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>(names.size() * 2);
        int k = 1;
        for (String n : names) {
            Object v = k < r.size() ? r.get(k) : null;
            if (v != null) {
                out.put(n, string((byte[]) v));
            }
            k++;
        }
        return Optional.of(out);
    }
}
