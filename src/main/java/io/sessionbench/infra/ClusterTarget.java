package io.sessionbench.infra;

import java.util.List;

/**
 * A Redis Cluster reached through seed nodes ({@code SESSIONBENCH_REDIS_CLUSTER}: comma-separated {@code redis://} or
 * {@code rediss://} URIs); the clients discover the other nodes and the slot map from any seed that answers. User,
 * password, TLS and CA come from the first seed.
 */
public record ClusterTarget(List<RedisTarget> seeds) implements RedisAddress {
    public ClusterTarget {
        if (seeds.isEmpty()) {
            throw new ConfigException("a Redis Cluster target needs at least one seed URI");
        }
        seeds = List.copyOf(seeds);
    }

    public RedisTarget first() {
        return seeds.get(0);
    }

    @Override
    public String user() {
        return first().user();
    }

    public Secret password() {
        return first().password();
    }

    @Override
    public boolean tls() {
        return first().tls();
    }

    @Override
    public String redacted() {
        return "cluster " + String.join(",", seeds.stream().map(RedisTarget::redacted).toList());
    }

    @Override
    public String toString() {
        return redacted();
    }
}
