package io.sessionbench.bench;

import io.sessionbench.scenario.Workload;
import io.sessionbench.store.Session;
import io.sessionbench.store.StoreException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Per-outcome counts JMH reports next to the score: sessions not found, store errors by kind, and lost updates:
 * writes the store acknowledged that a concurrent whole-session write erased. To find those, each thread writes its
 * own attribute ({@code csrf-<thread>}) and remembers the last value acknowledged per session; after each iteration
 * (untimed) it loads those sessions and counts the ones whose attribute holds less. A lower bound: a lost update that
 * the same thread's next update of that session overwrote cannot be seen.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class Outcomes {
    public long misses;
    public long errors;
    public long unavailable;
    public long conflicts;
    public long lostUpdates;
    private boolean reported;
    /** The attribute this thread updates; no other thread writes it. */
    String field;
    private long[] lastWritten;
    private int[] touched;
    private int touchedCount;

    @Setup(Level.Trial)
    public void prepare(StoreState s, ThreadParams t) {
        track(s, t.getThreadIndex());
    }

    void track(StoreState s, int thread) {
        field = Workload.UPDATED + "-" + thread;
        lastWritten = new long[s.effectiveLiveSessions];
        touched = new int[s.effectiveLiveSessions];
        s.atIterationEnd(() -> countLostUpdates(s));
    }

    @Setup(Level.Iteration)
    public void reset() {
        misses = 0;
        errors = 0;
        unavailable = 0;
        conflicts = 0;
        lostUpdates = 0;
    }

    /** Counts a store error and prints the first one of each thread, so errors are never silent. */
    void error(StoreException e) {
        errors++;
        if (e instanceof StoreException.Unavailable) {
            unavailable++;
        } else if (e instanceof StoreException.Conflict) {
            conflicts++;
        }
        if (!reported) {
            reported = true;
            System.err.println("sessionbench: store error (counted in 'errors'): " + e.getMessage());
        }
    }

    /** The store acknowledged writing {@code value} to this thread's attribute of session {@code i}. */
    void wrote(int i, long value) {
        if (lastWritten[i] == 0) {
            touched[touchedCount++] = i;
        }
        lastWritten[i] = value;
    }

    /** Untimed, after each iteration: checks every session this thread updated for its last acknowledged value. */
    void countLostUpdates(StoreState s) throws Exception {
        int n = touchedCount;
        if (n == 0) {
            return;
        }
        AtomicLong lost = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<StoreException> first = new AtomicReference<>();
        StoreState.parallel(n, k -> {
            int i = touched[k];
            try {
                Optional<Session> now = s.store.load(s.ids[i]);
                String v = now.map(x -> x.attributes().get(field)).orElse(null);
                if (now.isPresent() && (v == null || Long.parseLong(v, 16) < lastWritten[i])) {
                    lost.incrementAndGet();
                }
            } catch (StoreException e) {
                failed.incrementAndGet();
                first.compareAndSet(null, e);
            }
        });
        lostUpdates += lost.get();
        if (first.get() != null) {
            error(first.get());
            errors += failed.get() - 1;
        }
        for (int k = 0; k < n; k++) {
            lastWritten[touched[k]] = 0;
        }
        touchedCount = 0;
    }
}
