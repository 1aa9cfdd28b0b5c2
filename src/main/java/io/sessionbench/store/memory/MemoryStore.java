package io.sessionbench.store.memory;

import io.sessionbench.store.Names;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@code memory}: the same contract in a {@link ConcurrentHashMap}, with no network and no encoding. Its figures are
 * the floor every other layout stands on: what the harness itself costs.
 */
public final class MemoryStore implements SessionStore {
    /** A session and its expiry; renewal moves the expiry in place, so the hot path allocates nothing. */
    private static final class Entry {
        final Session session;
        volatile long expiresAt;

        Entry(Session session, long expiresAt) {
            this.session = session;
            this.expiresAt = expiresAt;
        }
    }

    private final ConcurrentHashMap<SessionId, Entry> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ArrayDeque<SessionId>> users = new ConcurrentHashMap<>();
    private final SessionPolicy policy;
    private final LongSupplier clock;

    public MemoryStore(SessionPolicy policy, LongSupplier clock) {
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public String layout() {
        return "memory";
    }

    private boolean live(Entry e, long now) {
        return e != null && e.expiresAt > now;
    }

    @Override
    public Session create(String userId, Map<String, String> attributes) {
        long now = clock.getAsLong();
        Session s = Session.create(userId, attributes, now, policy);
        ArrayDeque<SessionId> index = users.computeIfAbsent(userId, u -> new ArrayDeque<>());
        synchronized (index) {
            sessions.put(s.id(), new Entry(s, now + policy.ttlMillis(now, s.absoluteExpiry())));
            index.addLast(s.id());
            index.removeIf(id -> !live(sessions.get(id), now));
            while (index.size() > policy.maxSessionsPerUser()) {
                sessions.remove(index.removeFirst());
            }
        }
        return s;
    }

    @Override
    public Optional<Session> load(SessionId id) {
        Entry e = sessions.get(id);
        return live(e, clock.getAsLong()) ? Optional.of(e.session) : Optional.empty();
    }

    @Override
    public boolean setAttributes(SessionId id, Map<String, String> attributes) {
        Names.attributes(attributes);
        long now = clock.getAsLong();
        Entry after = sessions.computeIfPresent(id, (k, e) -> {
            if (!live(e, now)) {
                return null;
            }
            Session s = e.session.merge(attributes, now, policy);
            return new Entry(s, now + policy.ttlMillis(now, s.absoluteExpiry()));
        });
        return after != null;
    }

    @Override
    public boolean touch(SessionId id) {
        return renew(id) != null;
    }

    private Entry renew(SessionId id) {
        long now = clock.getAsLong();
        Entry e = sessions.get(id);
        if (!live(e, now)) {
            return null;
        }
        e.expiresAt = now + policy.ttlMillis(now, e.session.absoluteExpiry());
        return e;
    }

    @Override
    public Optional<Map<String, String>> request(SessionId id, Collection<String> names) {
        for (String n : names) {
            Names.attribute(n);
        }
        Entry e = renew(id);
        if (e == null) {
            return Optional.empty();
        }
        return Optional.of(e.session.select(names));
    }

    @Override
    public boolean invalidate(SessionId id) {
        return sessions.remove(id) != null;
    }

    @Override
    public int invalidateAll(String userId) {
        Names.userId(userId);
        ArrayDeque<SessionId> index = users.remove(userId);
        if (index == null) {
            return 0;
        }
        int n = 0;
        synchronized (index) {
            for (SessionId id : index) {
                if (sessions.remove(id) != null) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public List<SessionId> sessions(String userId) {
        Names.userId(userId);
        ArrayDeque<SessionId> index = users.get(userId);
        if (index == null) {
            return List.of();
        }
        long now = clock.getAsLong();
        synchronized (index) {
            return index.stream().filter(id -> live(sessions.get(id), now)).toList();
        }
    }

    @Override
    public List<Session> sample(int n) {
        long now = clock.getAsLong();
        List<Session> out = new ArrayList<>(n);
        Iterator<Entry> it = sessions.values().iterator();
        while (it.hasNext() && out.size() < n) {
            Entry e = it.next();
            if (live(e, now)) {
                out.add(e.session);
            }
        }
        return out;
    }

    @Override
    public void close() {
        sessions.clear();
        users.clear();
    }
}
