package io.sessionbench.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Successful calls, reported by JMH as the secondary metric {@code ok} in ops/s. This, not JMH's primary score (which
 * counts every invocation, failed ones included), is the throughput sessionbench reports and compares: a failed call
 * is not completed work, and a miss is counted apart ({@link Outcomes#misses}).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Completed {
    public long ok;

    @Setup(Level.Iteration)
    public void reset() {
        ok = 0;
    }
}
