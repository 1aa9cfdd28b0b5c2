package io.sessionbench.store.redis;

import io.sessionbench.infra.ClusterTarget;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.SentinelTarget;
import java.util.Locale;

/** The Redis client libraries, each building its {@link RedisPort}; the bytes on the server are the same for all. */
public enum RedisClientKind {
    LETTUCE {
        @Override
        public RedisPort open(RedisTarget target, int poolSize) {
            return new LettucePort(target);
        }

        @Override
        public RedisPort open(SentinelTarget sentinel, int poolSize) {
            return new LettucePort(sentinel);
        }

        @Override
        RedisPort open(ClusterTarget c, int poolSize, ClusterSettings settings) {
            return new LettucePort(c, settings);
        }
    },
    JEDIS {
        @Override
        public RedisPort open(RedisTarget target, int poolSize) {
            return new JedisPort(target, poolSize);
        }

        @Override
        public RedisPort open(SentinelTarget sentinel, int poolSize) {
            return new JedisPort(sentinel, poolSize);
        }

        @Override
        RedisPort open(ClusterTarget c, int poolSize, ClusterSettings settings) {
            return new JedisPort(c, poolSize, settings);
        }
    },
    REDISSON {
        @Override
        public RedisPort open(RedisTarget target, int poolSize) {
            return new RedissonPort(target, poolSize);
        }

        @Override
        public RedisPort open(SentinelTarget sentinel, int poolSize) {
            return new RedissonPort(sentinel, poolSize);
        }

        @Override
        RedisPort open(ClusterTarget c, int poolSize, ClusterSettings settings) {
            return new RedissonPort(c, poolSize, settings);
        }
    };

    /** Connects; {@code poolSize} bounds the connections of pooled clients (Lettuce multiplexes one). */
    public abstract RedisPort open(RedisTarget target, int poolSize);

    /** Connects to the master a Sentinel target names, through its sentinels (asked first by {@link SentinelCheck}). */
    public RedisPort openViaSentinel(SentinelTarget sentinel, int poolSize) {
        SentinelCheck.master(sentinel);
        return open(sentinel, poolSize);
    }

    abstract RedisPort open(SentinelTarget sentinel, int poolSize);

    /** Connects to a Redis Cluster through its seeds (asked first by {@link ClusterCheck}) with {@code settings}. */
    public RedisPort openCluster(ClusterTarget c, int poolSize, ClusterSettings settings) {
        ClusterCheck.seeds(c);
        return open(c, poolSize, settings);
    }

    abstract RedisPort open(ClusterTarget c, int poolSize, ClusterSettings settings);

    /**
     * {@code port} with every data write followed by {@code WAIT replicas timeout} (a write fewer replicas acknowledged
     * fails); {@code port} itself when {@code replicas} is 0.
     */
    public static RedisPort waitingFor(RedisPort port, int replicas, long timeoutMillis) {
        if (replicas <= 0) {
            return port;
        }
        try {
            return new WaitingPort(port, replicas, timeoutMillis);
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
    }

    /** Connects to one server after checking it is not a cluster node (which would answer the layouts with MOVED). */
    public RedisPort openStandalone(RedisTarget target, int poolSize) {
        ClusterCheck.standalone(target);
        return open(target, poolSize);
    }

    /**
     * The settings of this client that decide how it behaves when a server is slow, goes away or fails over, as the
     * ports set them (written to {@code env.json}, so a figure can be read with them).
     */
    public String settings() {
        return switch (this) {
            case LETTUCE -> "one multiplexed connection; command timeout 3 s; autoReconnect on; disconnectedBehavior "
                    + "REJECT_COMMANDS; Sentinel: master looked up through the sentinels at connect and after a reconnect";
            case JEDIS -> "pooled blocking connections (pool = connections); connect and socket timeout 3 s; no retries; "
                    + "Sentinel: JedisSentineled follows the sentinels' master switch (+switch-master)";
            case REDISSON -> "connect timeout 3 s; response timeout 3 s; retryAttempts 0; Sentinel: readMode MASTER, "
                    + "checkSentinelsList off, sentinels and master rescanned every 1 s (scanInterval)";
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether its port sends without waiting ({@link RedisPort#async()}): requests in flight need it (Jedis blocks). */
    public boolean async() {
        return this != JEDIS;
    }

    /** The clients that can keep requests in flight. */
    public static java.util.List<RedisClientKind> asyncClients() {
        return java.util.Arrays.stream(values()).filter(RedisClientKind::async).toList();
    }

    /** What this client throws when the server cannot be reached or does not answer in time. */
    public java.util.List<Class<? extends Throwable>> connectionFailures() {
        return switch (this) {
            case LETTUCE -> java.util.List.of(io.lettuce.core.RedisConnectionException.class, io.lettuce.core.RedisCommandTimeoutException.class);
            case JEDIS -> java.util.List.of(redis.clients.jedis.exceptions.JedisConnectionException.class);
            case REDISSON -> java.util.List.of(org.redisson.client.RedisConnectionException.class, org.redisson.client.RedisTimeoutException.class);
        };
    }

    /** The client's line in every chart: dash pattern (on, off, …), null for solid (Lettuce solid, Jedis dashed, Redisson dotted). */
    public float[] dash() {
        return switch (this) {
            case LETTUCE -> null;
            case JEDIS -> new float[] {8, 4};
            case REDISSON -> new float[] {2, 3};
        };
    }

    public static RedisClientKind of(String label) {
        for (RedisClientKind k : values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw new io.sessionbench.infra.ConfigException("unknown Redis client '" + label + "'; use "
                + String.join(", ", java.util.Arrays.stream(values()).map(RedisClientKind::label).toList()));
    }
}
