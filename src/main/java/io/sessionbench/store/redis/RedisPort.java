package io.sessionbench.store.redis;

import java.util.List;
import java.util.Map;

/**
 * The narrow set of Redis commands the layouts use, so each layout is written once and each client library
 * adapts once. Every method translates client failures into {@link io.sessionbench.store.StoreException}s.
 */
public interface RedisPort extends AutoCloseable {
    byte[] get(byte[] key);

    /** Plain {@code SET key value XX PX ttl}: the naive read-modify-write write; false when the key is gone. */
    boolean setExisting(byte[] key, byte[] value, long ttlMillis);

    /** {@code DEL}; true when the key existed. */
    boolean del(byte[] key);

    Map<String, byte[]> hgetall(byte[] key);

    List<byte[]> hmget(byte[] key, byte[]... fields);

    /** {@code EVALSHA}, falling back to {@code EVAL} once when the server does not know the script yet. */
    Object eval(RedisScript script, byte[][] keys, byte[][] args);

    /** Up to {@code limit} keys matching {@code pattern}, walked with {@code SCAN … COUNT}, never {@code KEYS}. */
    List<byte[]> scan(String pattern, int limit);

    /** The server's {@code redis_version}. */
    String serverVersion();

    /** The client library's name, e.g. {@code lettuce}. */
    String client();

    @Override
    void close();
}
