package io.sessionbench.store;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.LocalStack.Server;
import io.sessionbench.store.memcached.MemcachedBlobStore;
import io.sessionbench.store.memory.MemoryStore;
import io.sessionbench.store.postgres.PostgresStore;
import io.sessionbench.store.redis.ClusterSettings;
import io.sessionbench.store.redis.KeyDesign;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.store.redis.RedisHashLayout;
import io.sessionbench.store.redis.RedisPort;
import io.sessionbench.store.redis.RedisStringLayout;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;

/** The data models a session can have on a server; each constant opens its store against the given endpoints. */
public enum Layout {
    REDIS_HASH("redis-hash", Server.REDIS, "sh", false, "#D55E00") {
        @Override
        SessionStore build(Endpoints e, StoreOptions o, LongSupplier clock) {
            return new RedisHashLayout(redis(e, o), o.policy(), clock, o.keys());
        }
    },
    REDIS_JSON("redis-json", Server.REDIS, "sj", true, "#E69F00") {
        @Override
        SessionStore build(Endpoints e, StoreOptions o, LongSupplier clock) {
            return new RedisStringLayout(this, redis(e, o), new JsonSessionCodec(), o.policy(), clock, o.keys());
        }
    },
    REDIS_BLOB("redis-blob", Server.REDIS, "sb", true, "#CC79A7") {
        @Override
        SessionStore build(Endpoints e, StoreOptions o, LongSupplier clock) {
            return new RedisStringLayout(this, redis(e, o), new BlobSessionCodec(), o.policy(), clock, o.keys());
        }
    },
    MEMCACHED_BLOB("memcached-blob", Server.MEMCACHED, null, true, "#009E73") {
        @Override
        SessionStore build(Endpoints e, StoreOptions o, LongSupplier clock) {
            if (e.memcached().isEmpty()) {
                throw noTarget("Memcached", "--memcached or SESSIONBENCH_MEMCACHED");
            }
            return new MemcachedBlobStore(e.memcached(), new BlobSessionCodec(), o.policy(), clock);
        }
    },
    POSTGRES("postgres", Server.POSTGRES, null, false, "#0072B2") {
        @Override
        SessionStore build(Endpoints e, StoreOptions o, LongSupplier clock) {
            if (e.postgres() == null) {
                throw noTarget("Postgres", "--postgres or SESSIONBENCH_POSTGRES_URI");
            }
            return new PostgresStore(e.postgres(), o.policy(), o.unlogged(), o.poolSize());
        }
    },
    /** The same rows in an UNLOGGED table: no WAL, so faster writes, and the table is emptied after a crash. */
    POSTGRES_UNLOGGED("postgres-unlogged", Server.POSTGRES, null, false, "#56B4E9") {
        @Override
        SessionStore build(Endpoints e, StoreOptions o, LongSupplier clock) {
            return POSTGRES.build(e, new StoreOptions(o.client(), o.policy(), o.poolSize(), true, o.keys(), o.cluster(), o.waitReplicas()), clock);
        }
    },
    MEMORY("memory", null, null, false, "#7f7f7f") {
        @Override
        SessionStore build(Endpoints e, StoreOptions o, LongSupplier clock) {
            return new MemoryStore(o.policy(), clock);
        }
    };

    private final String label;
    private final Server server;
    private final String keyPrefix;
    private final boolean readModifyWrite;
    private final String colour;

    /**
     * @param keyPrefix       the Redis layouts' key prefix ({@code sh:…}), null for the others
     * @param readModifyWrite whether a partial update rewrites the whole session (and so can lose a concurrent update
     *                        unless it is written with a compare-and-set)
     * @param colour          the layout's colour in every chart ({@code #rrggbb}, Okabe–Ito, colour-blind safe)
     */
    Layout(String label, Server server, String keyPrefix, boolean readModifyWrite, String colour) {
        this.label = label;
        this.server = server;
        this.keyPrefix = keyPrefix;
        this.readModifyWrite = readModifyWrite;
        this.colour = colour;
    }

    /** The key prefix of a Redis layout's sessions and user indexes ({@code sh}, {@code sj}, {@code sb}). */
    public String keyPrefix() {
        if (keyPrefix == null) {
            throw new IllegalArgumentException(label + " is not a Redis layout");
        }
        return keyPrefix;
    }

    /** Whether a partial update rewrites the whole session (and so can lose updates without a compare-and-set). */
    public boolean readModifyWrite() {
        return readModifyWrite;
    }

    /** The layout's colour in every chart, {@code #rrggbb}. */
    public String colour() {
        return colour;
    }

    /** Whether the quick profile runs this layout (the full profile runs every layout). */
    public boolean inQuickProfile() {
        return this != POSTGRES_UNLOGGED;
    }

    /** The in-process map: the cost of the harness itself, shown as a floor and never ranked among the stores. */
    public boolean floor() {
        return this == MEMORY;
    }

    public String label() {
        return label;
    }

    /** The server this layout needs, empty for {@code memory}. */
    public Optional<Server> server() {
        return Optional.ofNullable(server);
    }

    public boolean usesRedisClient() {
        return server == Server.REDIS;
    }

    public SessionStore open(Endpoints endpoints, StoreOptions options) {
        return build(endpoints, options, System::currentTimeMillis);
    }

    abstract SessionStore build(Endpoints e, StoreOptions o, LongSupplier clock);

    private static RedisPort redis(Endpoints e, StoreOptions o) {
        return RedisClientKind.waitingFor(connect(e, o), o.waitReplicas(), StoreOptions.WAIT_TIMEOUT_MILLIS);
    }

    private static RedisPort connect(Endpoints e, StoreOptions o) {
        io.sessionbench.infra.RedisEndpoint where = e.redisEndpoint()
                .orElseThrow(() -> noTarget("Redis", "--redis or SESSIONBENCH_REDIS_URI"));
        // The three kinds are all there are (sealed); Java 17 has no pattern switch to check it at compile time.
        if (where instanceof io.sessionbench.infra.RedisEndpoint.Cluster c) {
            return o.client().openCluster(new io.sessionbench.infra.ClusterTarget(c.seeds()), o.poolSize(), o.cluster());
        }
        if (where instanceof io.sessionbench.infra.RedisEndpoint.Sentinel s) {
            // a Sentinel-managed master is one server to the layouts: every script's keys are on it
            return o.client().openViaSentinel(s.sentinels(), o.poolSize());
        }
        return o.client().openStandalone(((io.sessionbench.infra.RedisEndpoint.Standalone) where).server(), o.poolSize());
    }

    private static ConfigException noTarget(String what, String how) {
        return new ConfigException("no " + what + " target; give one with " + how + " or let the local stack start it");
    }

    public static Layout of(String label) {
        return find(label).orElseThrow(() -> new ConfigException("unknown layout '" + label + "'; use one of "
                + String.join(", ", Arrays.stream(values()).map(Layout::label).toList())));
    }

    /** The layout labelled {@code label}, if there is one. */
    public static Optional<Layout> find(String label) {
        return Arrays.stream(values()).filter(l -> l.label.equals(label)).findFirst();
    }

    /**
     * How to open a store: which Redis client, the policy, pool size, Postgres' UNLOGGED option, the Redis key design
     * and the Redis Cluster client settings.
     */
    public record StoreOptions(RedisClientKind client, SessionPolicy policy, int poolSize, boolean unlogged, KeyDesign keys,
                               ClusterSettings cluster, int waitReplicas) {
        public static final StoreOptions DEFAULT = new StoreOptions(RedisClientKind.LETTUCE, SessionPolicy.DEFAULT, 16, false);
        /** How long a {@code WAIT} after a write waits for its replicas. */
        public static final long WAIT_TIMEOUT_MILLIS = 1000;

        public StoreOptions(RedisClientKind client, SessionPolicy policy, int poolSize, boolean unlogged) {
            this(client, policy, poolSize, unlogged, KeyDesign.SESSION, ClusterSettings.DEFAULT, 0);
        }

        public StoreOptions(RedisClientKind client, SessionPolicy policy, int poolSize, boolean unlogged, KeyDesign keys,
                            ClusterSettings cluster) {
            this(client, policy, poolSize, unlogged, keys, cluster, 0);
        }

        public StoreOptions withClient(RedisClientKind c) {
            return new StoreOptions(c, policy, poolSize, unlogged, keys, cluster, waitReplicas);
        }

        public StoreOptions withPolicy(SessionPolicy p) {
            return new StoreOptions(client, p, poolSize, unlogged, keys, cluster, waitReplicas);
        }

        public StoreOptions withKeys(KeyDesign k) {
            return new StoreOptions(client, policy, poolSize, unlogged, k, cluster, waitReplicas);
        }

        public StoreOptions withCluster(ClusterSettings c) {
            return new StoreOptions(client, policy, poolSize, unlogged, keys, c, waitReplicas);
        }

        /** Each Redis data write followed by {@code WAIT n} (Lettuce on one server or behind Sentinel); 0: none. */
        public StoreOptions withWaitReplicas(int n) {
            return new StoreOptions(client, policy, poolSize, unlogged, keys, cluster, n);
        }
    }
}
