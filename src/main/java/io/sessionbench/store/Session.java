package io.sessionbench.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one session: owner, timestamps (epoch milliseconds) and string attributes.
 * {@code absoluteExpiry} is 0 when the policy sets no absolute lifetime.
 */
public record Session(SessionId id, String userId, long createdAt, long lastAccess, long absoluteExpiry,
                      Map<String, String> attributes) {
    public Session {
        attributes = Map.copyOf(attributes);
    }

    /**
     * A new session with a fresh id for {@code userId}, created at {@code now} under {@code policy}: validates the
     * user id and attribute names and the size cap before anything reaches a server.
     */
    public static Session create(String userId, Map<String, String> attributes, long now, SessionPolicy policy) {
        return create(userId, attributes, now, policy, u -> SessionId.random());
    }

    /** {@link #create(String, Map, long, SessionPolicy)} with the id made from the (validated) user id by {@code newId}. */
    public static Session create(String userId, Map<String, String> attributes, long now, SessionPolicy policy,
                                 java.util.function.Function<String, SessionId> newId) {
        Names.userId(userId);
        Names.attributes(attributes);
        policy.checkSize(null, attributeBytes(attributes));
        return new Session(newId.apply(userId), userId, now, now, policy.absoluteExpiry(now), attributes);
    }

    /** The named attributes that exist, in the order asked: what a request reads from a whole-session layout. */
    public Map<String, String> select(Collection<String> names) {
        Map<String, String> out = new LinkedHashMap<>(names.size() * 2);
        for (String n : names) {
            String v = attributes.get(n);
            if (v != null) {
                out.put(n, v);
            }
        }
        return out;
    }

    /** This session with {@code patch} merged in and last access at {@code now}; throws when the result is too large. */
    public Session merge(Map<String, String> patch, long now, SessionPolicy policy) {
        Map<String, String> merged = new HashMap<>(attributes);
        merged.putAll(patch);
        policy.checkSize(id, attributeBytes(merged));
        return new Session(id, userId, createdAt, now, absoluteExpiry, merged);
    }

    /** Bytes the attributes take as UTF-8 names plus values: the figure the size cap applies to. */
    public static long attributeBytes(Map<String, String> attributes) {
        long total = 0;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            total += Names.utf8Length(e.getKey()) + Names.utf8Length(e.getValue());
        }
        return total;
    }
}
