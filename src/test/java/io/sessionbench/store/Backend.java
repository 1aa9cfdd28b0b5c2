package io.sessionbench.store;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.Secret;
import io.sessionbench.store.redis.KeyDesign;
import io.sessionbench.store.redis.RedisClientKind;
import java.util.List;

/**
 * A layout × client combination under test, with raw write access for planting corrupt data; {@code sentinel}: the
 * Redis layouts reach their server through Sentinel (a second local stack: primary, 2 replicas, 3 sentinels).
 */
record Backend(Layout layout, RedisClientKind client, boolean sentinel, KeyDesign clusterKeys) {

    Backend(Layout layout, RedisClientKind client) {
        this(layout, client, false, null);
    }

    Backend(Layout layout, RedisClientKind client, boolean sentinel) {
        this(layout, client, sentinel, null);
    }

    /**
     * The layout contract's backends: each layout once on the standalone stack (the Redis layouts with Lettuce), each
     * Redis layout once through Sentinel, and each Redis layout once per key design on a local Redis Cluster, the
     * clients rotating so that on the cluster each client meets each layout and each key design. What differs by client
     * and topology beneath the layouts (replies, the NOSCRIPT fallback, async calls, SCAN, failures) is
     * {@link RedisPortContractTest}'s, for every client on every topology; that a session written by one client reads
     * the same with the others is {@link RedisClientsTest}'s.
     */
    static List<Backend> everywhere() {
        List<Backend> out = new java.util.ArrayList<>();
        for (Layout l : Layout.values()) {
            out.add(new Backend(l, RedisClientKind.LETTUCE));
        }
        List<Layout> redis = java.util.Arrays.stream(Layout.values()).filter(Layout::usesRedisClient).toList();
        RedisClientKind[] clients = RedisClientKind.values();
        KeyDesign[] designs = KeyDesign.values();
        for (int i = 0; i < redis.size(); i++) {
            out.add(new Backend(redis.get(i), clients[(i + 1) % clients.length], true));
        }
        for (int i = 0; i < redis.size(); i++) {
            for (int d = 0; d < designs.length; d++) {
                out.add(new Backend(redis.get(i), clients[(i + d) % clients.length], false, designs[d]));
            }
        }
        return out;
    }

    boolean cluster() {
        return clusterKeys != null;
    }

    Endpoints endpoints() {
        if (cluster()) {
            return io.sessionbench.testing.TestStack.clusterEndpoints();
        }
        return sentinel ? io.sessionbench.testing.TestStack.sentinelEndpoints() : io.sessionbench.testing.TestStack.endpoints();
    }

    static List<Backend> all() {
        List<Backend> out = new java.util.ArrayList<>();
        for (Layout l : Layout.values()) {
            if (l.usesRedisClient()) {
                for (RedisClientKind c : RedisClientKind.values()) {
                    out.add(new Backend(l, c));
                }
            } else {
                out.add(new Backend(l, RedisClientKind.LETTUCE));
            }
        }
        return out;
    }

    SessionStore open(Endpoints e, SessionPolicy policy) {
        return open(e, policy, System::currentTimeMillis);
    }

    /** With the clock the store computes expiry from (the in-process store's TTLs, the others' absolute lifetime). */
    SessionStore open(Endpoints e, SessionPolicy policy, java.util.function.LongSupplier clock) {
        Layout.StoreOptions o = new Layout.StoreOptions(client, policy, 16, false);
        return layout.build(e, cluster() ? o.withKeys(clusterKeys) : o, clock);
    }

    Endpoints withWrongPassword(Endpoints e) {
        if (isPostgres()) {
            return e.withPostgres(new io.sessionbench.infra.PostgresTarget(e.postgres().jdbcUrl(),
                    e.postgres().user(), new Secret("wrong-" + e.postgres().password().value())));
        }
        if (cluster()) {
            return e.withRedisCluster(e.redisCluster().stream().map(t -> new RedisTarget(false, t.host(), t.port(), "",
                    new Secret("wrong-password-123"), 0)).toList());
        }
        if (sentinel) {
            io.sessionbench.infra.SentinelTarget s = e.redisSentinel();
            return e.withRedisSentinel(new io.sessionbench.infra.SentinelTarget(s.sentinels(), s.master(), "", new Secret("wrong-password-123")));
        }
        return e.withRedis(new RedisTarget(false, e.redisServer().host(), e.redisServer().port(), "", new Secret("wrong-password-123"), 0));
    }

    boolean isPostgres() {
        return layout.server().orElse(null) == io.sessionbench.infra.LocalStack.Server.POSTGRES;
    }

    boolean hasPassword() {
        return layout.usesRedisClient() || isPostgres();
    }

    /** Whether partial updates rewrite the whole session (and so can lose updates without optimistic concurrency). */
    boolean readModifyWrite() {
        return layout.readModifyWrite();
    }

    @Override
    public String toString() {
        return (layout.usesRedisClient() ? layout.label() + "/" + client.label() : layout.label()) + (sentinel ? " via sentinel" : "")
                + (cluster() ? " on cluster, " + clusterKeys.label() + " keys" : "");
    }

}
