package io.sessionbench.store;

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

    /** Bytes the attributes take as UTF-8 names plus values: the figure the size cap applies to. */
    public static long attributeBytes(Map<String, String> attributes) {
        long total = 0;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            total += Names.utf8Length(e.getKey()) + Names.utf8Length(e.getValue());
        }
        return total;
    }
}
