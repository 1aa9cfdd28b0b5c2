package io.sessionbench.store.redis;

import io.sessionbench.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RedisPort} whose data writes (create, partial and whole updates, invalidations, index changes) are each
 * followed by {@code WAIT replicas timeout}: a write counts as done only when that many replicas acknowledged it; when
 * fewer did, the call fails with {@link StoreException.Refused}, as the write sits on the primary alone and a failover
 * may lose it. TTL renewals (request, touch) and reads are not waited for.
 */
final class WaitingPort implements RedisPort {
    /** The scripts that change session data or an index (not the renewals of request and touch). */
    private static final Set<String> DATA_WRITES = Set.of("hash-create", "hash-write", "string-create", "string-write", "hash-set",
            "string-cas", "invalidate-all", "index-add", "index-remove");
    private final RedisPort delegate;
    private final int replicas;
    private final long timeoutMillis;

    WaitingPort(RedisPort delegate, int replicas, long timeoutMillis) {
        this.delegate = delegate;
        this.replicas = replicas;
        this.timeoutMillis = timeoutMillis;
        delegate.waitReplicas(0, 0); // refuses, at open, a client or topology where WAIT cannot cover the writes
    }

    private <T> T waited(T result) {
        long acked = delegate.waitReplicas(replicas, timeoutMillis);
        if (acked < replicas) {
            throw new StoreException.Refused("the write was acknowledged by " + acked + " of " + replicas + " replica(s) within "
                    + timeoutMillis + " ms (WAIT); it is on the primary alone and a failover may lose it", null);
        }
        return result;
    }

    @Override
    public byte[] get(byte[] key) {
        return delegate.get(key);
    }

    @Override
    public boolean setExisting(byte[] key, byte[] value, long ttlMillis) {
        return waited(delegate.setExisting(key, value, ttlMillis));
    }

    @Override
    public boolean del(byte[] key) {
        return waited(delegate.del(key));
    }

    @Override
    public Map<String, byte[]> hgetall(byte[] key) {
        return delegate.hgetall(key);
    }

    @Override
    public List<byte[]> hmget(byte[] key, byte[]... fields) {
        return delegate.hmget(key, fields);
    }

    @Override
    public Object eval(RedisScript script, byte[][] keys, byte[][] args) {
        Object r = delegate.eval(script, keys, args);
        return DATA_WRITES.contains(script.name()) ? waited(r) : r;
    }

    @Override
    public boolean async() {
        return delegate.async();
    }

    @Override
    public CompletionStage<Object> evalAsync(RedisScript script, byte[][] keys, byte[][] args) {
        return delegate.evalAsync(script, keys, args); // only the renewing request scripts run async
    }

    @Override
    public CompletionStage<Map<String, byte[]>> hgetallAsync(byte[] key) {
        return delegate.hgetallAsync(key);
    }

    @Override
    public List<byte[]> scan(String pattern, int limit) {
        return delegate.scan(pattern, limit);
    }

    @Override
    public String serverVersion() {
        return delegate.serverVersion();
    }

    @Override
    public String client() {
        return delegate.client();
    }

    @Override
    public boolean cluster() {
        return delegate.cluster();
    }

    @Override
    public long waitReplicas(int n, long timeoutMillis) {
        return delegate.waitReplicas(n, timeoutMillis);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
