package io.sessionbench.bench;

import io.sessionbench.metrics.Latencies;
import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import io.sessionbench.metrics.Outcome;
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
 * A benchmark thread's side of the one measured path: its {@link MeasuredCall} records into the JVM's closed-loop
 * {@link Latencies} book and counts here what JMH reports next to the score: misses, store errors by kind, and lost
 * updates. Lost updates are exact: each thread's {@code increment} reads its own counter attribute (named for this
 * trial and thread), adds one and writes it back; after each iteration (untimed) every session it touched is loaded,
 * and acknowledged increments minus the counter's value is what concurrent whole-session writes erased. A session that
 * is gone is not a lost update.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class Outcomes implements MeasuredCall.Sink {
    public long misses;
    public long errors;
    public long unavailable;
    public long conflicts;
    public long lostUpdates;
    private boolean reported;
    final MeasuredCall measured = new MeasuredCall(this);
    /** The successes counter of the current invocation's thread, bound by each benchmark method. */
    Completed completed;
    /** The counter attribute this thread increments; no other thread writes it. */
    String counter;
    private long[] acked;
    /** Per session, lost increments found at the last check (kept when the session is gone since). */
    private long[] lost;

    @Setup(Level.Trial)
    public void prepare(StoreState s, ThreadParams t) {
        track(s, t.getThreadIndex());
    }

    void track(StoreState s, int thread) {
        counter = "cnt_" + s.runTag + "_" + thread;
        acked = new long[s.ids.length];
        lost = new long[s.ids.length];
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

    Outcomes bind(Completed c) {
        completed = c;
        return this;
    }

    @Override
    public void record(Operation op, Outcome outcome, String errorType, long intended, long sent, long done) {
        Latencies.closedLoop().record(op, outcome, errorType, intended, sent, done);
        count(outcome, errorType);
    }

    /** Counts one outcome on the benchmark thread (the in-flight ring records latency on the I/O thread, counts here). */
    void count(Outcome outcome, String errorType) {
        switch (outcome) {
            case OK -> completed.ok++;
            case MISS -> misses++;
            case ERROR -> {
                errors++;
                if ("Unavailable".equals(errorType)) {
                    unavailable++;
                } else if ("Conflict".equals(errorType)) {
                    conflicts++;
                }
            }
        }
    }

    @Override
    public void failure(Operation op, Throwable e) {
        report(e);
    }

    /** Prints the first store error of each thread, so errors are never silent. */
    void report(Throwable e) {
        if (!reported) {
            reported = true;
            System.err.println("sessionbench: store error (counted in 'errors'): " + e.getMessage());
        }
    }

    /** The store acknowledged an increment of this thread's counter in session {@code i}. */
    void incremented(int i) {
        acked[i]++;
    }

    /** Untimed, after each iteration: acknowledged increments minus counter values, over every session touched. */
    void countLostUpdates(StoreState s) throws Exception {
        AtomicLong found = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<StoreException> first = new AtomicReference<>();
        int[] touched = java.util.stream.IntStream.range(0, acked.length).filter(i -> acked[i] > 0).toArray();
        if (touched.length == 0) {
            return;
        }
        io.sessionbench.scenario.Workload.parallel(touched.length, 8, k -> {
            int i = touched[k];
            try {
                Optional<Session> now = s.store.load(s.ids[i]);
                if (now.isPresent()) {
                    String v = now.get().attributes().get(counter);
                    long l = Math.max(0, acked[i] - (v == null ? 0 : Long.parseLong(v)));
                    found.addAndGet(l - lost[i]);
                    lost[i] = l;
                }
            } catch (StoreException e) {
                failed.incrementAndGet();
                first.compareAndSet(null, e);
            }
        });
        // Counts are cumulative over the trial: this iteration reports what was lost since the last check.
        lostUpdates += found.get();
        if (first.get() != null) {
            report(first.get());
            errors += failed.get();
        }
    }
}
