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

/**
 * What the Redis layouts share: key names (per {@link KeyDesign}), the per-user index, invalidation, listing and
 * sampling.
 *
 * <p>On one server, and on a Redis Cluster when the key design puts a user's sessions in the slot of their index,
 * a create (write, index, evict beyond the cap), a listing and an invalidate-all are each one script: one server-side
 * step. With the {@link KeyDesign#SESSION} design on a cluster they cannot be: the session is written first, then the
 * index is read, each member's session probed, and the index updated (evicting beyond the cap), then the evicted
 * sessions deleted, each in its own slot. Between those steps other clients see the user with one session more than
 * the cap, and a client that dies after the write leaves a session that no cap counts and no invalidate-all finds
 * until its idle TTL ends ({@code ClusterKeysTest} shows it).
 */
public abstract class RedisLayout implements SessionStore {
    protected final RedisPort redis;
    protected final SessionPolicy policy;
    protected final LongSupplier clock;
    private final String prefix;
    private final KeyDesign keys;
    /** Whether create, listing and invalidate-all run as several per-slot steps (see the class comment). */
    private final boolean stepwise;
    /** Runs between a stepwise create's session write and its index update; tests make a client die there. */
    Runnable afterSessionWrite = () -> { };

    RedisLayout(String prefix, RedisPort redis, SessionPolicy policy, LongSupplier clock, KeyDesign keys) {
        this.prefix = prefix;
        this.redis = redis;
        this.policy = policy;
        this.clock = clock;
        this.keys = keys;
        this.stepwise = redis.cluster() && !keys.oneSlotPerUser();
    }

    byte[] sessionKey(SessionId id) {
        return bytes(keys.sessionKey(prefix, id));
    }

    byte[] userKey(String userId) {
        return bytes(keys.userKey(prefix, userId));
    }

    /** The key design this store uses. */
    public KeyDesign keys() {
        return keys;
    }

    /** Whether create, listing and invalidate-all take several round trips (the session design on a cluster). */
    public boolean stepwise() {
        return stepwise;
    }

    /** A new session of {@code userId}, with an id of this key design. */
    protected Session newSession(String userId, java.util.Map<String, String> attributes, long now) {
        return Session.create(userId, attributes, now, policy, keys::newId);
    }

    /**
     * Writes a new session and indexes it: {@code together} (KEYS session and index) in one step, or stepwise
     * {@code alone} (KEYS session, same arguments) and then the index steps.
     */
    protected void store(RedisScript together, RedisScript alone, Session s, byte[][] args) {
        byte[] index = userKey(s.userId());
        if (!stepwise) {
            redis.eval(together, new byte[][] {sessionKey(s.id()), index}, args);
            return;
        }
        redis.eval(alone, new byte[][] {sessionKey(s.id())}, args);
        afterSessionWrite.run();
        List<byte[]> addArgs = new ArrayList<>(List.of(args[0], args[1], args[3]));
        for (byte[] member : members(index)) {
            if (!exists(member)) {
                addArgs.add(member);
            }
        }
        for (Object evicted : (List<?>) redis.eval(RedisScripts.INDEX_ADD, new byte[][] {index}, addArgs.toArray(byte[][]::new))) {
            redis.del(sessionKey(new SessionId(string((byte[]) evicted))));
        }
    }

    private List<byte[]> members(byte[] index) {
        List<byte[]> out = new ArrayList<>();
        for (Object o : (List<?>) redis.eval(RedisScripts.INDEX_MEMBERS, new byte[][] {index}, new byte[0][])) {
            out.add((byte[]) o);
        }
        return out;
    }

    private boolean exists(byte[] member) {
        return (Long) redis.eval(RedisScripts.EXISTS, new byte[][] {sessionKey(new SessionId(string(member)))}, new byte[0][]) == 1;
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

    /**
     * Deletes every session of the user's index, then (stepwise) removes those members from the index, so a client
     * dying in between leaves the index listing sessions that are gone, never sessions that were not deleted.
     */
    @Override
    public int invalidateAll(String userId) {
        Names.userId(userId);
        byte[] index = userKey(userId);
        if (!stepwise) {
            return ((Long) redis.eval(RedisScripts.INVALIDATE_ALL, new byte[][] {index}, new byte[0][])).intValue();
        }
        List<byte[]> members = members(index);
        int n = 0;
        for (byte[] m : members) {
            n += redis.del(sessionKey(new SessionId(string(m)))) ? 1 : 0;
        }
        redis.eval(RedisScripts.INDEX_REMOVE, new byte[][] {index}, members.toArray(byte[][]::new));
        return n;
    }

    @Override
    public List<SessionId> sessions(String userId) {
        Names.userId(userId);
        byte[] index = userKey(userId);
        List<SessionId> out = new ArrayList<>();
        if (!stepwise) {
            for (Object o : (List<?>) redis.eval(RedisScripts.SESSIONS, new byte[][] {index}, new byte[0][])) {
                out.add(new SessionId(string((byte[]) o)));
            }
            return out;
        }
        List<byte[]> gone = new ArrayList<>();
        for (byte[] m : members(index)) {
            if (exists(m)) {
                out.add(new SessionId(string(m)));
            } else {
                gone.add(m);
            }
        }
        if (!gone.isEmpty()) {
            redis.eval(RedisScripts.INDEX_REMOVE, new byte[][] {index}, gone.toArray(byte[][]::new));
        }
        return out;
    }

    @Override
    public List<Session> sample(int n) {
        List<Session> out = new ArrayList<>(n);
        for (byte[] key : redis.scan(keys.scanPattern(prefix), n)) {
            keys.idOfKey(prefix, string(key)).flatMap(this::load).ifPresent(s -> {
                if (out.size() < n) {
                    out.add(s);
                }
            });
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
