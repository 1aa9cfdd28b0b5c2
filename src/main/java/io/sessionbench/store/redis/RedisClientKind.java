package io.sessionbench.store.redis;

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
    };

    /** Connects; {@code poolSize} bounds the connections of pooled clients (Lettuce multiplexes one). */
    public abstract RedisPort open(RedisTarget target, int poolSize);

    /** Connects to the master a Sentinel target names, through its sentinels (asked first by {@link SentinelCheck}). */
    public RedisPort openViaSentinel(SentinelTarget sentinel, int poolSize) {
        SentinelCheck.master(sentinel);
        return open(sentinel, poolSize);
    }

    abstract RedisPort open(SentinelTarget sentinel, int poolSize);

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RedisClientKind of(String label) {
        for (RedisClientKind k : values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw new io.sessionbench.infra.ConfigException("unknown Redis client '" + label + "'; use lettuce, jedis or redisson");
    }
}
