package io.sessionbench.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session store every backend implements. Contract: {@code ../DESIGN.md}; every method validates ids and
 * names before any round trip and reports failures as {@link StoreException}s.
 */
public interface SessionStore extends AutoCloseable {

    /** Creates a session with a fresh id, enforcing the per-user cap atomically (oldest evicted). */
    Session create(String userId, Map<String, String> attributes);

    /** The whole session, or empty when missing or expired. Does not renew. */
    Optional<Session> load(SessionId id);

    /**
     * One attribute, or empty when the session or the attribute is missing. By default the whole session is loaded,
     * as whole-session layouts must; layouts that can read one field override it.
     */
    default Optional<String> attribute(SessionId id, String name) {
        Names.attribute(name);
        return load(id).map(s -> s.attributes().get(name));
    }

    /** Partial update of one attribute plus sliding renewal; false when the session is gone (nothing is written). */
    default boolean setAttribute(SessionId id, String name, String value) {
        return setAttributes(id, Map.of(name, value));
    }

    /** Partial update of several attributes plus sliding renewal; false when the session is gone. */
    boolean setAttributes(SessionId id, Map<String, String> attributes);

    /** Sliding renewal; false when the session is gone. */
    boolean touch(SessionId id);

    /**
     * One authenticated web request: read the named attributes (auth, permissions, preferences…) and renew the
     * session, done the way a competent user of this layout would. Empty when the session is gone.
     */
    Optional<Map<String, String>> request(SessionId id, Collection<String> names);

    /** Whether {@link #requestAsync} sends without waiting: Memcached, and the Redis layouts on Lettuce or Redisson. */
    default boolean async() {
        return false;
    }

    /**
     * {@link #request} without waiting for the reply, so one thread can keep several requests in flight. The stage
     * completes with what {@link #request} would return, or fails with what it would throw. Only when {@link #async()}.
     */
    default java.util.concurrent.CompletionStage<Optional<Map<String, String>>> requestAsync(SessionId id, Collection<String> names) {
        throw new UnsupportedOperationException(layout() + " has no async client; use memcached-blob, or lettuce or redisson on a Redis layout");
    }

    /** Removes a session; true when it existed. */
    boolean invalidate(SessionId id);

    /** Removes every session of a user; returns how many were removed. */
    int invalidateAll(String userId);

    /** Ids of a user's live sessions. */
    List<SessionId> sessions(String userId);

    /** Up to {@code n} live sessions picked without a blocking full scan (SCAN, TABLESAMPLE…). */
    List<Session> sample(int n);

    /**
     * After a bulk load, lets the server finish the background work the load caused (Postgres: a checkpoint and a
     * vacuum of the session tables), so it does not land inside a later measurement. Best effort: a server that
     * refuses (no privilege on a target) is left as it is. Nothing to do on the other layouts.
     */
    default void settle() {
    }

    /** The layout this store implements, e.g. {@code redis-hash}. */
    String layout();

    @Override
    void close();
}
