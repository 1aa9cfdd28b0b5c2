package io.sessionbench.store.redis;

import io.sessionbench.infra.RedisTarget;
import java.util.Locale;

/** The Redis client libraries, each building its {@link RedisPort}; the bytes on the server are the same for all. */
public enum RedisClientKind {
    LETTUCE {
        @Override
        public RedisPort open(RedisTarget target, int poolSize) {
            return new LettucePort(target);
        }
    },
    JEDIS {
        @Override
        public RedisPort open(RedisTarget target, int poolSize) {
            return new JedisPort(target, poolSize);
        }
    },
    REDISSON {
        @Override
        public RedisPort open(RedisTarget target, int poolSize) {
            return new RedissonPort(target, poolSize);
        }
    };

    /** Connects; {@code poolSize} bounds the connections of pooled clients (Lettuce multiplexes one). */
    public abstract RedisPort open(RedisTarget target, int poolSize);

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
