package io.sessionbench.scenario;

import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.StoreException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * The one lost-update ledger, for the JMH {@code increment} benchmark and the scenarios' {@code increment} alike. Each
 * writer increments a counter attribute of its own ({@link #counter}), so per session, increments the store
 * acknowledged minus the counter's stored value is exactly what concurrent whole-session writes erased. A session
 * replaced by a login or logout starts a new generation, and the older one's counts are kept and checked on their own.
 * A session that is gone (expired, evicted, invalidated) is not a lost update; {@link #check} counts it apart.
 */
public final class UpdateLedger {
    private final String counter;
    private final long[] acked;
    /** Increments sent, acknowledged or not: a timed-out write may still have landed. */
    private final long[] attempted;
    private final int[] generation;
    private final SessionId[] ids;
    /** Per session, lost increments found at the last check (kept when the session is gone since). */
    private final long[] lost;
    /** Generations a login or logout replaced, kept so their increments are checked too: id, acknowledged, sent. */
    private final java.util.ArrayList<Past> past = new java.util.ArrayList<>();

    private record Past(SessionId id, String counter, long acked, long attempted) {
    }

    /** A ledger of {@code sessions} sessions for the writer of {@code counter} (0 sessions: a writer that never increments). */
    public UpdateLedger(String counter, int sessions) {
        this.counter = counter;
        this.acked = new long[sessions];
        this.attempted = new long[sessions];
        this.generation = new int[sessions];
        this.ids = new SessionId[sessions];
        this.lost = new long[sessions];
    }

    /** The attribute this writer increments; no other writer touches it. */
    public String counter() {
        return counter;
    }

    /**
     * This writer is about to increment session {@code id}, slot {@code k}, in its generation {@code gen}; a new
     * generation keeps the old one's counts to be checked on their own.
     */
    public void sending(int k, int gen, SessionId id) {
        if (generation[k] != gen || ids[k] == null) {
            roll(k, gen, id);
        }
        attempted[k]++;
    }

    /** The store acknowledged an increment of session {@code k} in its generation {@code gen}. */
    public void acknowledged(int k, int gen) {
        if (generation[k] != gen) {
            roll(k, gen, null);
        }
        acked[k]++;
        attempted[k] = Math.max(attempted[k], acked[k]);
    }

    /** Starts generation {@code gen} of slot {@code k} (session {@code id}, null when not known), keeping the old one's counts. */
    private void roll(int k, int gen, SessionId id) {
        if (ids[k] != null && attempted[k] > 0) {
            past.add(new Past(ids[k], counter, acked[k], attempted[k]));
        }
        generation[k] = gen;
        ids[k] = id;
        acked[k] = 0;
        attempted[k] = 0;
        lost[k] = 0;
    }

    /** Whether this writer has acknowledged increments of session {@code k}'s generation {@code gen}. */
    boolean wrote(int k, int gen) {
        return k < acked.length && acked[k] > 0 && generation[k] == gen;
    }

    /** Lost increments found so far over all sessions, gone ones included at what their last check found. */
    public long lostSoFar() {
        long n = 0;
        for (long l : lost) {
            n += l;
        }
        return n;
    }

    /**
     * What a check found: lost increments and acknowledged ones in the sessions it could read, sessions gone, and
     * sessions it could not read (with the first failure). {@code lost} is certain (acknowledged minus the counter);
     * {@code lostAtMost} allows that increments which timed out or failed may have landed and raised the counter:
     * per writer and session, acknowledged A, sent T, counter V: lost is at least max(0, A − V) and at most
     * min(A, max(0, T − V)); the two are equal when every increment sent was answered.
     */
    public record Check(long lost, long lostAtMost, long acknowledged, long sessionsGone, long unreadable, StoreException firstFailure) {
    }

    /**
     * Reads, through {@code via} on up to 8 threads, every session of the {@code sessions} that one of {@code ledgers}
     * incremented in its current generation ({@code idAt}, {@code generationAt}), and every earlier generation a ledger
     * kept, and settles each ledger's lost increments there: acknowledged minus the counter's value.
     */
    public static Check check(List<UpdateLedger> ledgers, int sessions, IntFunction<SessionId> idAt,
            IntUnaryOperator generationAt, SessionStore via) throws Exception {
        int[] touched = java.util.stream.IntStream.range(0, sessions)
                .filter(k -> ledgers.stream().anyMatch(l -> l.wrote(k, generationAt.applyAsInt(k)))).toArray();
        List<Past> pasts = new java.util.ArrayList<>();
        for (UpdateLedger l : ledgers) {
            pasts.addAll(l.past);
        }
        AtomicLong lost = new AtomicLong();
        AtomicLong atMost = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong gone = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        AtomicReference<StoreException> first = new AtomicReference<>();
        Workload.parallel(touched.length + pasts.size(), 8, j -> {
            SessionId id = j < touched.length ? idAt.apply(touched[j]) : pasts.get(j - touched.length).id();
            Optional<Session> now;
            try {
                now = via.load(id);
            } catch (StoreException e) {
                unreadable.incrementAndGet();
                first.compareAndSet(null, e);
                return;
            }
            if (now.isEmpty()) {
                gone.incrementAndGet();
                return;
            }
            if (j >= touched.length) {
                Past p = pasts.get(j - touched.length);
                settle(now.get(), p.counter(), p.acked(), p.attempted(), lost, atMost, acknowledged);
                return;
            }
            int k = touched[j];
            int gen = generationAt.applyAsInt(k);
            for (UpdateLedger l : ledgers) {
                if (l.wrote(k, gen)) {
                    l.lost[k] = settle(now.get(), l.counter, l.acked[k], l.attempted[k], lost, atMost, acknowledged);
                }
            }
        });
        return new Check(lost.get(), atMost.get(), acknowledged.get(), gone.get(), unreadable.get(), first.get());
    }

    /** Adds one writer's increments of one session to the sums; returns the certain loss. */
    private static long settle(Session now, String counter, long acked, long attempted, AtomicLong lost, AtomicLong atMost,
            AtomicLong acknowledged) {
        String v = now.attributes().get(counter);
        long value = v == null ? 0 : Long.parseLong(v);
        long certain = Math.max(0, acked - value);
        lost.addAndGet(certain);
        atMost.addAndGet(Math.max(certain, Math.min(acked, Math.max(0, Math.max(attempted, acked) - value))));
        acknowledged.addAndGet(acked);
        return certain;
    }
}
