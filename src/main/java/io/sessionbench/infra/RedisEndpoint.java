package io.sessionbench.infra;

import java.util.List;

/**
 * How the layouts reach Redis: one server, a primary found through Sentinel, or a cluster's seeds. Exactly one applies
 * to a run ({@link Endpoints#redisEndpoint()}), so a client opens one way for each and a switch over the three is
 * checked by the compiler.
 */
public sealed interface RedisEndpoint {
    /**
     * The one server tools talk to directly (INFO, TIME, CONFIG SET): the standalone server, the primary Sentinel
     * managed when the run began if it is known (the local stack's; null for sentinels alone), a cluster's first seed.
     */
    RedisTarget server();

    record Standalone(RedisTarget server) implements RedisEndpoint {
    }

    /** The sentinels, and the primary at the start when known ({@code primary} may be null). */
    record Sentinel(SentinelTarget sentinels, RedisTarget primary) implements RedisEndpoint {
        @Override
        public RedisTarget server() {
            return primary;
        }
    }

    record Cluster(List<RedisTarget> seeds) implements RedisEndpoint {
        public Cluster {
            seeds = List.copyOf(seeds);
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("a cluster endpoint needs at least one seed");
            }
        }

        @Override
        public RedisTarget server() {
            return seeds.get(0);
        }
    }
}
