package io.sessionbench.infra;

import java.util.List;

/**
 * How the layouts reach Redis: one server, a primary found through Sentinel, or a cluster's seeds. Exactly one applies
 * to a run ({@link Endpoints#redisEndpoint()}), so a client opens one way for each and a switch over the three is
 * checked by the compiler.
 */
public sealed interface RedisEndpoint {
    record Standalone(RedisTarget server) implements RedisEndpoint {
    }

    record Sentinel(SentinelTarget sentinels) implements RedisEndpoint {
    }

    record Cluster(List<RedisTarget> seeds) implements RedisEndpoint {
        public Cluster {
            seeds = List.copyOf(seeds);
        }
    }
}
