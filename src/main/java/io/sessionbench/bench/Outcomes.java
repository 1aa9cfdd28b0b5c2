package io.sessionbench.bench;

import io.sessionbench.store.StoreException;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Per-outcome counts JMH reports next to the score: sessions not found, and store errors by kind. */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class Outcomes {
    public long misses;
    public long errors;
    public long unavailable;
    public long conflicts;
    private boolean reported;

    @Setup(Level.Iteration)
    public void reset() {
        misses = 0;
        errors = 0;
        unavailable = 0;
        conflicts = 0;
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
}
