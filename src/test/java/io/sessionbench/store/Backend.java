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
     * {@link #withSentinel()}, then on a local Redis Cluster: every Redis layout × client with the user-tagged keys
     * (one script per step), and each layout once with the session-tagged keys (stepwise across slots) and once with
     * the namespace tag, the clients rotating so each client meets each design.
     */
    static List<Backend> everywhere() {
        List<Backend> out = new java.util.ArrayList<>(withSentinel());
        List<Layout> redis = java.util.Arrays.stream(Layout.values()).filter(Layout::usesRedisClient).toList();
        RedisClientKind[] clients = RedisClientKind.values();
        for (Layout l : redis) {
            for (RedisClientKind c : clients) {
                out.add(new Backend(l, c, false, KeyDesign.USER));
            }
        }
        for (int i = 0; i < redis.size(); i++) {
            out.add(new Backend(redis.get(i), clients[i % clients.length], false, KeyDesign.SESSION));
            out.add(new Backend(redis.get(i), clients[(i + 1) % clients.length], false, KeyDesign.NAMESPACE));
        }
        return out;
    }

    boolean cluster() {
        return clusterKeys != null;
    }

    /** Every layout × client on the standalone stack, then every Redis layout × client through Sentinel. */
    static List<Backend> withSentinel() {
        List<Backend> out = new java.util.ArrayList<>(all());
        for (Layout l : Layout.values()) {
            if (l.usesRedisClient()) {
                for (RedisClientKind c : RedisClientKind.values()) {
                    out.add(new Backend(l, c, true));
                }
            }
        }
        return out;
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
        Layout.StoreOptions o = new Layout.StoreOptions(client, policy, 16, false);
        return layout.open(e, cluster() ? o.withKeys(clusterKeys) : o);
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
        return e.withRedis(new RedisTarget(false, e.redis().host(), e.redis().port(), "", new Secret("wrong-password-123"), 0));
    }

    boolean isPostgres() {
        return layout.server().orElse(null) == io.sessionbench.infra.LocalStack.Server.POSTGRES;
    }

    boolean hasPassword() {
        return layout.usesRedisClient() || isPostgres();
    }

    /** Whether partial updates rewrite the whole session (and so can lose updates without optimistic concurrency). */
    boolean readModifyWrite() {
        return layout == Layout.REDIS_JSON || layout == Layout.REDIS_BLOB || layout == Layout.MEMCACHED_BLOB;
    }

    @Override
    public String toString() {
        return (layout.usesRedisClient() ? layout.label() + "/" + client.label() : layout.label()) + (sentinel ? " via sentinel" : "")
                + (cluster() ? " on cluster, " + clusterKeys.label() + " keys" : "");
    }

}
