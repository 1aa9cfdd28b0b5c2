package io.sessionbench.store.redis;

import io.sessionbench.store.Names;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionCodec;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.StoreException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * {@code redis-json} and {@code redis-blob}: the whole session encoded into one string key, as connect-redis and
 * memcached-style stores keep it; keys {@code sj:{id}} (JSON) or {@code sb:{id}} (blob). A partial update reads, changes and rewrites the whole value: with
 * {@link SessionPolicy#safeUpdates()} through a compare-and-set script that retries on a concurrent change,
 * otherwise naively (GET then SET), which loses concurrent updates.
 */
public final class RedisStringLayout extends RedisLayout {
    static final int MAX_RETRIES = 100;
    private final io.sessionbench.store.Layout layout;
    private final SessionCodec codec;

    /** {@code layout}: the Redis string layout this is ({@code redis-json}, {@code redis-blob}), with its key prefix. */
    public RedisStringLayout(io.sessionbench.store.Layout layout, RedisPort redis, SessionCodec codec, SessionPolicy policy,
                             LongSupplier clock, KeyDesign keys) {
        super(layout.keyPrefix(), redis, policy, clock, keys);
        this.layout = layout;
        this.codec = codec;
    }

    @Override
    public String layout() {
        return layout.label();
    }

    @Override
    public Session create(String userId, Map<String, String> attributes) {
        long now = clock.getAsLong();
        Session s = newSession(userId, attributes, now);
        store(RedisScripts.STRING_CREATE, RedisScripts.STRING_WRITE, s, createArgs(s.id(), now, s.absoluteExpiry(), List.of(codec.encode(s))));
        return s;
    }

    @Override
    public Optional<Session> load(SessionId id) {
        return decodeLive(id, redis.get(sessionKey(id)));
    }

    private Optional<Session> decodeLive(SessionId id, byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        Session s = codec.decode(id, bytes);
        return expiredAbsolutely(s.absoluteExpiry()) ? Optional.empty() : Optional.of(s);
    }

    @Override
    public boolean setAttributes(SessionId id, Map<String, String> attributes) {
        Names.attributes(attributes);
        byte[] key = sessionKey(id);
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            byte[] read = redis.get(key);
            Optional<Session> current = decodeLive(id, read);
            if (current.isEmpty()) {
                return false;
            }
            long now = clock.getAsLong();
            Session next = current.get().merge(attributes, now, policy);
            long ttl = policy.ttlMillis(now, next.absoluteExpiry());
            if (!policy.safeUpdates()) {
                return redis.setExisting(key, codec.encode(next), ttl);
            }
            long r = (Long) redis.eval(RedisScripts.STRING_CAS, new byte[][] {key},
                    new byte[][] {bytes(RedisScript.sha1Hex(read)), codec.encode(next), bytes(ttl)});
            if (r >= 0) {
                return r == 1;
            }
        }
        throw new StoreException.Conflict("session " + id + " changed under " + MAX_RETRIES
                + " consecutive update attempts; too many concurrent writers on one session");
    }

    @Override
    public boolean touch(SessionId id) {
        return (Long) redis.eval(RedisScripts.STRING_TOUCH, new byte[][] {sessionKey(id)},
                new byte[][] {bytes(policy.idleTtl().toMillis())}) == 1;
    }

    @Override
    public Optional<Map<String, String>> request(SessionId id, Collection<String> names) {
        names.forEach(Names::attribute);
        return requestReply(id, names, redis.eval(RedisScripts.STRING_REQUEST, new byte[][] {sessionKey(id)}, requestArgs()));
    }

    @Override
    public CompletionStage<Optional<Map<String, String>>> requestAsync(SessionId id, Collection<String> names) {
        names.forEach(Names::attribute);
        return redis.evalAsync(RedisScripts.STRING_REQUEST, new byte[][] {sessionKey(id)}, requestArgs())
                .thenApply(v -> requestReply(id, names, v));
    }

    private byte[][] requestArgs() {
        return new byte[][] {bytes(policy.idleTtl().toMillis())};
    }

    private Optional<Map<String, String>> requestReply(SessionId id, Collection<String> names, Object value) {
        return decodeLive(id, (byte[]) value).map(s -> s.select(names));
    }
}
