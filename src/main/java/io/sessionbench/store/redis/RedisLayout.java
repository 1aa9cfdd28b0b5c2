package io.sessionbench.store.redis;

import io.sessionbench.store.Names;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** What the Redis layouts share: key names, the per-user index, invalidation, listing and sampling. */
public abstract class RedisLayout implements SessionStore {
    protected final RedisPort redis;
    protected final SessionPolicy policy;
    protected final LongSupplier clock;
    private final String prefix;

    RedisLayout(String prefix, RedisPort redis, SessionPolicy policy, LongSupplier clock) {
        this.prefix = prefix;
        this.redis = redis;
        this.policy = policy;
        this.clock = clock;
    }

    /** {@code <prefix>:{id}}: the hash tag keeps everything of one session in one Cluster slot. */
    byte[] sessionKey(SessionId id) {
        return bytes(prefix + ":{" + id.value() + "}");
    }

    byte[] userKey(String userId) {
        return bytes(prefix + ":u:{" + userId + "}");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(long n) {
        return bytes(Long.toString(n));
    }

    public static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Builds the common create arguments (id, now, ttl, cap) followed by the layout's own. */
    protected byte[][] createArgs(SessionId id, long now, long absoluteExpiry, List<byte[]> extra) {
        List<byte[]> args = new ArrayList<>(4 + extra.size());
        args.add(bytes(id.value()));
        args.add(bytes(now));
        args.add(bytes(policy.ttlMillis(now, absoluteExpiry)));
        args.add(bytes(policy.maxSessionsPerUser()));
        args.addAll(extra);
        return args.toArray(byte[][]::new);
    }

    protected boolean expiredAbsolutely(long absoluteExpiry) {
        return absoluteExpiry > 0 && absoluteExpiry <= clock.getAsLong();
    }

    @Override
    public boolean invalidate(SessionId id) {
        return redis.del(sessionKey(id));
    }

    @Override
    public int invalidateAll(String userId) {
        Names.userId(userId);
        return ((Long) redis.eval(RedisScripts.INVALIDATE_ALL, new byte[][] {userKey(userId)}, new byte[0][])).intValue();
    }

    @Override
    public List<SessionId> sessions(String userId) {
        Names.userId(userId);
        List<?> ids = (List<?>) redis.eval(RedisScripts.SESSIONS, new byte[][] {userKey(userId)}, new byte[0][]);
        List<SessionId> out = new ArrayList<>(ids.size());
        for (Object o : ids) {
            out.add(new SessionId(string((byte[]) o)));
        }
        return out;
    }

    @Override
    public List<Session> sample(int n) {
        List<Session> out = new ArrayList<>(n);
        for (byte[] key : redis.scan(prefix + ":{*", n)) {
            String k = string(key);
            load(new SessionId(k.substring(prefix.length() + 2, k.length() - 1))).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public boolean async() {
        return redis.async();
    }

    @Override
    public void close() {
        redis.close();
    }
}
