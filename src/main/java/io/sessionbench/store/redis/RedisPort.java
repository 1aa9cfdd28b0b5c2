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

    /** Whether {@link #evalAsync} sends without waiting (Lettuce, Redisson); Jedis has no async API. */
    default boolean async() {
        return false;
    }

    /**
     * {@link #eval} without waiting for the reply, with the same {@code NOSCRIPT} fallback; the stage fails with a
     * {@link io.sessionbench.store.StoreException} (or {@link IllegalStateException}) as {@link #eval} would throw.
     */
    default java.util.concurrent.CompletionStage<Object> evalAsync(RedisScript script, byte[][] keys, byte[][] args) {
        throw new UnsupportedOperationException(client() + " has no async API");
    }

    /** {@link #hgetall} without waiting; only when {@link #async()}. */
    default java.util.concurrent.CompletionStage<Map<String, byte[]>> hgetallAsync(byte[] key) {
        throw new UnsupportedOperationException(client() + " has no async API");
    }

    /** Up to {@code limit} keys matching {@code pattern}, walked with {@code SCAN … COUNT}, never {@code KEYS}. */
    List<byte[]> scan(String pattern, int limit);

    /**
     * Whether this port talks to a Redis Cluster, where a script may only touch keys of one slot and each key is
     * routed to the primary owning its slot.
     */
    default boolean cluster() {
        return false;
    }

    /**
     * {@code WAIT n timeout}: how many replicas acknowledged this connection's writes so far. Only a client whose
     * writes all travel one connection (Lettuce, on one server or behind Sentinel) can use it; the others refuse, so
     * {@code wait-replicas} is a one-line error at open instead of a WAIT that covers another connection's writes.
     */
    default long waitReplicas(int n, long timeoutMillis) {
        throw new io.sessionbench.infra.ConfigException("WAIT after writes needs every write on one connection: use the Lettuce "
                + "client on a standalone or Sentinel target (" + client() + (cluster() ? " on a cluster" : "") + " spreads them "
                + "over a pool or over nodes)");
    }

    /** The server's {@code redis_version}. */
    String serverVersion();

    /** The client library's name, e.g. {@code lettuce}. */
    String client();

    @Override
    void close();

    /** Hash field names as text; field names are ASCII attribute names or {@code #} metadata. */
    static Map<String, byte[]> withTextFields(Map<byte[], byte[]> raw) {
        Map<String, byte[]> out = new java.util.HashMap<>(raw.size() * 2);
        raw.forEach((k, v) -> out.put(new String(k, java.nio.charset.StandardCharsets.UTF_8), v));
        return out;
    }
}
