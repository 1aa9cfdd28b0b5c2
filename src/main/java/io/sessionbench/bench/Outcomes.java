package io.sessionbench.bench;

import io.sessionbench.metrics.Latencies;
import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import io.sessionbench.metrics.Outcome;
import io.sessionbench.scenario.UpdateLedger;
import io.sessionbench.store.StoreException;
import java.util.List;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A benchmark thread's side of the one measured path: its {@link MeasuredCall} records into the JVM's closed-loop
 * {@link Latencies} book and counts here what JMH reports next to the score: misses, store errors by kind, and lost
 * updates. Lost updates are exact ({@link UpdateLedger}): each thread's {@code increment} reads its own counter
 * attribute (named for this trial and thread), adds one and writes it back; after each iteration (untimed) every
 * session it touched is loaded, and acknowledged increments minus the counter's value is what concurrent
 * whole-session writes erased.
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
    /** This thread's increments: its own counter attribute, acknowledged increments per session. */
    UpdateLedger ledger;

    @Setup(Level.Trial)
    public void prepare(StoreState s, ThreadParams t) {
        track(s, t.getThreadIndex());
    }

    void track(StoreState s, int thread) {
        ledger = new UpdateLedger("cnt_" + s.runTag + "_" + thread, s.ids.length);
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
        count(outcome);
    }

    /** Counts a success or a miss on the benchmark thread; errors are counted by {@link #failure}. */
    void count(Outcome outcome) {
        if (outcome == Outcome.OK) {
            completed.ok++;
        } else if (outcome == Outcome.MISS) {
            misses++;
        }
    }

    /**
     * Counts a failed call by its kind (the measured call hands every failure here, timed or not, before recording
     * it) and prints the first one.
     */
    @Override
    public void failure(Operation op, Throwable e) {
        errors++;
        if (e instanceof StoreException.Unavailable) {
            unavailable++;
        } else if (e instanceof StoreException.Conflict) {
            conflicts++;
        }
        report(e);
    }

    /** Prints the first store error of each thread, so errors are never silent. */
    void report(Throwable e) {
        if (!reported) {
            reported = true;
            System.err.println("sessionbench: store error (counted in 'errors'): " + e.getMessage());
        }
    }

    /** Untimed, after each iteration: acknowledged increments minus counter values, over every session touched. */
    void countLostUpdates(StoreState s) throws Exception {
        long before = ledger.lostSoFar();
        UpdateLedger.Check c = UpdateLedger.check(List.of(ledger), s.ids.length, k -> s.ids[k], k -> 0, s.store);
        // Counts are cumulative over the trial: this iteration reports what was lost since the last check.
        lostUpdates += ledger.lostSoFar() - before;
        if (c.firstFailure() != null) {
            report(c.firstFailure());
            errors += c.unreadable();
        }
    }
}
