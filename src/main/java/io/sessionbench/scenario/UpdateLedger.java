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
 * replaced by a login or logout starts a new generation: writes to an older one are not checked. A session that is
 * gone (expired, evicted, invalidated) is not a lost update; {@link #check} counts it apart.
 */
public final class UpdateLedger {
    private final String counter;
    private final long[] acked;
    private final int[] generation;
    /** Per session, lost increments found at the last check (kept when the session is gone since). */
    private final long[] lost;

    /** A ledger of {@code sessions} sessions for the writer of {@code counter} (0 sessions: a writer that never increments). */
    public UpdateLedger(String counter, int sessions) {
        this.counter = counter;
        this.acked = new long[sessions];
        this.generation = new int[sessions];
        this.lost = new long[sessions];
    }

    /** The attribute this writer increments; no other writer touches it. */
    public String counter() {
        return counter;
    }

    /** The store acknowledged an increment of session {@code k} in its generation {@code gen}. */
    public void acknowledged(int k, int gen) {
        if (generation[k] != gen) {
            generation[k] = gen;
            acked[k] = 0;
            lost[k] = 0;
        }
        acked[k]++;
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
     * sessions it could not read (with the first failure).
     */
    public record Check(long lost, long acknowledged, long sessionsGone, long unreadable, StoreException firstFailure) {
    }

    /**
     * Reads, through {@code via} on up to 8 threads, every session of the {@code sessions} that one of {@code ledgers}
     * incremented in its current generation ({@code idAt}, {@code generationAt}), and settles each ledger's lost
     * increments there: acknowledged minus the counter's value.
     */
    public static Check check(List<UpdateLedger> ledgers, int sessions, IntFunction<SessionId> idAt,
            IntUnaryOperator generationAt, SessionStore via) throws Exception {
        int[] touched = java.util.stream.IntStream.range(0, sessions)
                .filter(k -> ledgers.stream().anyMatch(l -> l.wrote(k, generationAt.applyAsInt(k)))).toArray();
        AtomicLong lost = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong gone = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        AtomicReference<StoreException> first = new AtomicReference<>();
        Workload.parallel(touched.length, 8, j -> {
            int k = touched[j];
            int gen = generationAt.applyAsInt(k);
            Optional<Session> now;
            try {
                now = via.load(idAt.apply(k));
            } catch (StoreException e) {
                unreadable.incrementAndGet();
                first.compareAndSet(null, e);
                return;
            }
            if (now.isEmpty()) {
                gone.incrementAndGet();
                return;
            }
            for (UpdateLedger l : ledgers) {
                if (l.wrote(k, gen)) {
                    String v = now.get().attributes().get(l.counter);
                    l.lost[k] = Math.max(0, l.acked[k] - (v == null ? 0 : Long.parseLong(v)));
                    lost.addAndGet(l.lost[k]);
                    acknowledged.addAndGet(l.acked[k]);
                }
            }
        });
        return new Check(lost.get(), acknowledged.get(), gone.get(), unreadable.get(), first.get());
    }
}
