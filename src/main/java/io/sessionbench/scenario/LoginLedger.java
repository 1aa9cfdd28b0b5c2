package io.sessionbench.scenario;

import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One lane's logins and logouts, so that after a fault every session the store acknowledged is looked up, not only
 * the latest in each slot. Three compact growable lists, written by the lane's worker alone: the logins the store
 * acknowledged (user, id, sent, acknowledged), every login sent (user, sent, and when its fate was known: its answer,
 * or never for one that failed, since a write that timed out may still land), and the sessions the lane logged out.
 *
 * <p>{@link #check} leaves out by construction what a store may rightly have removed, and counts each reason:
 * <ul>
 *   <li><b>logout</b>: a session the scenario itself logged out (even when the re-login after it failed);</li>
 *   <li><b>cap</b>: a session with {@code cap} or more other logins of its user that may have been stored after it
 *   (sent before it was acknowledged and not answered before it was sent), since the per-user cap evicts the oldest;</li>
 *   <li><b>expiry</b>: a session whose idle TTL, counted from its acknowledgement, or absolute lifetime, counted from
 *   its login, may have run out before the check.</li>
 * </ul>
 * A session neither left out nor found is an acknowledged session lost. Methods are synchronized: the run reads a
 * lane that is still stuck in a call after the join.
 */
public final class LoginLedger {
    private static final long NEVER = Long.MAX_VALUE;
    private int[] ackSlot = new int[16];
    private SessionId[] ackId = new SessionId[16];
    private long[] ackSent = new long[16];
    private long[] ackAt = new long[16];
    private int acks;
    private int[] sentSlot = new int[16];
    private long[] sentAt = new long[16];
    private long[] settledAt = new long[16];
    private int sent;
    private final Set<SessionId> loggedOut = new HashSet<>();

    /** A login of user {@code k} is about to be sent at {@code at}; returns its index for {@link #answered}. */
    public synchronized int sending(int k, long at) {
        if (sent == sentSlot.length) {
            int n = sent * 2;
            sentSlot = Arrays.copyOf(sentSlot, n);
            sentAt = Arrays.copyOf(sentAt, n);
            settledAt = Arrays.copyOf(settledAt, n);
        }
        sentSlot[sent] = k;
        sentAt[sent] = at;
        settledAt[sent] = NEVER;
        return sent++;
    }

    /** Login {@code i} (from {@link #sending}) was acknowledged at {@code at} as session {@code id}. */
    public synchronized void answered(int i, SessionId id, long at) {
        settledAt[i] = at;
        if (acks == ackSlot.length) {
            int n = acks * 2;
            ackSlot = Arrays.copyOf(ackSlot, n);
            ackId = Arrays.copyOf(ackId, n);
            ackSent = Arrays.copyOf(ackSent, n);
            ackAt = Arrays.copyOf(ackAt, n);
        }
        ackSlot[acks] = sentSlot[i];
        ackId[acks] = id;
        ackSent[acks] = sentAt[i];
        ackAt[acks] = at;
        acks++;
    }

    /** The lane is logging session {@code id} out (whatever the answer, it is no longer expected to be there). */
    public synchronized void loggingOut(SessionId id) {
        loggedOut.add(id);
    }

    /** Acknowledged logins recorded. */
    public synchronized int acknowledged() {
        return acks;
    }

    /**
     * Sessions that existed when a run started (preloaded, or left by the previous step): session {@code ids[k]} of
     * user {@code users[k]}, created no earlier than {@code since} (System.nanoTime), which also stands for its
     * acknowledgement (its idle TTL ran from then at the earliest).
     */
    public static LoginLedger existing(SessionId[] ids, int[] users, long since) {
        LoginLedger l = new LoginLedger();
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] != null) {
                l.answered(l.sending(users[k], since), ids[k], since);
            }
        }
        return l;
    }

    /** What the store may remove by its own rules: a session's user cap, idle TTL (0: none) and absolute lifetime (0: none). */
    public record Rules(int cap, long idleNanos, long absoluteNanos) {
    }

    /**
     * What a check found. {@code checked} sessions were looked up; {@code lost} of them were missing, acknowledged
     * between {@code firstLostNanos} and {@code lastLostNanos} (System.nanoTime; 0 when none); {@code unreadable}
     * could not be looked up; {@code excluded} counts the sessions left out, by reason (logout, cap, expiry).
     */
    public record Check(long checked, long lost, long unreadable, long firstLostNanos, long lastLostNanos,
                        Map<String, Long> excluded, StoreException firstFailure) {
    }

    /**
     * Looks up, through {@code via} on up to 8 threads, every session acknowledged in {@code ledgers} that
     * {@code rules} could not have removed by the check's start ({@code now}, System.nanoTime).
     */
    public static Check check(List<LoginLedger> ledgers, Rules rules, long now, SessionStore via) throws Exception {
        Set<SessionId> out = new HashSet<>();
        Map<Integer, List<long[]>> sends = new java.util.HashMap<>();
        for (LoginLedger l : ledgers) {
            synchronized (l) {
                out.addAll(l.loggedOut);
                for (int i = 0; i < l.sent; i++) {
                    sends.computeIfAbsent(l.sentSlot[i], x -> new ArrayList<>()).add(new long[] {l.sentAt[i], l.settledAt[i]});
                }
            }
        }
        Map<String, Long> excluded = new TreeMap<>(Map.of("cap", 0L, "expiry", 0L, "logout", 0L));
        List<Object[]> toCheck = new ArrayList<>();
        for (LoginLedger l : ledgers) {
            synchronized (l) {
                for (int i = 0; i < l.acks; i++) {
                    String reason = exclusion(l.ackId[i], l.ackSlot[i], l.ackSent[i], l.ackAt[i], out, sends, rules, now);
                    if (reason != null) {
                        excluded.merge(reason, 1L, Long::sum);
                    } else {
                        toCheck.add(new Object[] {l.ackId[i], l.ackAt[i]});
                    }
                }
            }
        }
        AtomicLong lost = new AtomicLong();
        AtomicLong first = new AtomicLong(NEVER);
        AtomicLong last = new AtomicLong(Long.MIN_VALUE);
        AtomicLong unreadable = new AtomicLong();
        AtomicReference<StoreException> failure = new AtomicReference<>();
        Workload.parallel(toCheck.size(), 8, j -> {
            SessionId id = (SessionId) toCheck.get(j)[0];
            long at = (Long) toCheck.get(j)[1];
            try {
                if (via.load(id).isEmpty()) {
                    lost.incrementAndGet();
                    first.accumulateAndGet(at, Math::min);
                    last.accumulateAndGet(at, Math::max);
                }
            } catch (StoreException e) {
                unreadable.incrementAndGet();
                failure.compareAndSet(null, e);
            }
        });
        return new Check(toCheck.size(), lost.get(), unreadable.get(), lost.get() == 0 ? 0 : first.get(),
                lost.get() == 0 ? 0 : last.get(), excluded, failure.get());
    }

    /** Why the store may rightly have removed this session, or null when it must still be there. */
    private static String exclusion(SessionId id, int user, long sentAt, long ackAt, Set<SessionId> loggedOut,
            Map<Integer, List<long[]>> sends, Rules rules, long now) {
        if (loggedOut.contains(id)) {
            return "logout";
        }
        if ((rules.idleNanos() > 0 && ackAt + rules.idleNanos() <= now) || (rules.absoluteNanos() > 0 && sentAt + rules.absoluteNanos() <= now)) {
            return "expiry";
        }
        // Logins of the same user that may have been stored after this one: sent before it was acknowledged (or after)
        // and not known to be done before it was sent. Its own send is one of them.
        int later = -1;
        for (long[] s : sends.getOrDefault(user, List.of())) {
            if (s[1] >= sentAt) {
                later++;
            }
        }
        return later >= rules.cap() ? "cap" : null;
    }
}
