package io.sessionbench.bench;

import io.sessionbench.scenario.Workload;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Each thread's position in the shared precomputed key sequence, starting at a different offset per thread. */
@State(Scope.Thread)
public class Cursor {
    int next;
    long counter;

    @Setup
    public void start() {
        next = (int) (Thread.currentThread().getId() * 7919) & Workload.MASK;
    }

    int index(StoreState s) {
        return s.sequence[next++ & Workload.MASK];
    }
}
