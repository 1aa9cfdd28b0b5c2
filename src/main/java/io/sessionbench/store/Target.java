package io.sessionbench.store;

import io.sessionbench.store.redis.RedisClientKind;
import java.util.Objects;

/**
 * What a benchmark row runs against: a layout and, for the Redis layouts, the Redis client (none for the others). The
 * one place that writes or reads labels such as {@code redis-hash/lettuce} or {@code postgres}; JMH keeps them as the
 * {@code layout} and {@code client} parameters, read back through {@link #of(String, String)}.
 */
public record Target(Layout layout, RedisClientKind client) {
    public Target {
        Objects.requireNonNull(layout, "layout");
        client = layout.usesRedisClient() ? (client == null ? RedisClientKind.LETTUCE : client) : null;
    }

    /** From JMH's parameters: the layout, and the client where the layout has one (Lettuce when none is given). */
    public static Target of(String layout, String client) {
        Layout l = Layout.of(layout);
        return new Target(l, l.usesRedisClient() && client != null ? RedisClientKind.of(client) : null);
    }

    /** {@code redis-hash/jedis}, {@code redis-hash} (Lettuce) or {@code postgres}; a client after a layout without one is refused. */
    public static Target parse(String label) {
        int slash = label.indexOf('/');
        if (slash < 0) {
            return of(label, null);
        }
        Layout l = Layout.of(label.substring(0, slash));
        if (!l.usesRedisClient()) {
            throw new io.sessionbench.infra.ConfigException(label + ": " + l.label() + " has no Redis client; write " + l.label());
        }
        return new Target(l, RedisClientKind.of(label.substring(slash + 1)));
    }

    /** {@code redis-hash/lettuce}, {@code postgres}. */
    public String label() {
        return client == null ? layout.label() : layout.label() + "/" + client.label();
    }

    /** Whether the target is a Redis layout, reached through a Redis client. */
    public boolean redis() {
        return client != null;
    }

    /** Whether this is the default client of its layout (Lettuce for Redis; the only one for the others). */
    public boolean defaultClient() {
        return client == null || client == RedisClientKind.LETTUCE;
    }

    @Override
    public String toString() {
        return label();
    }
}
