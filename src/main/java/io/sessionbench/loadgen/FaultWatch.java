package io.sessionbench.loadgen;

import io.sessionbench.metrics.Outcome;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the measured calls say about a fault, seen from every call's completion: the first and last error after the
 * fault fired, and the first success among calls sent after that first error (the store answering again).
 */
public final class FaultWatch {
    private static final long NONE = Long.MAX_VALUE;
    private volatile long firedAt = NONE;
    private final AtomicLong firstError = new AtomicLong(NONE);
    private final AtomicLong lastError = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong firstSuccessAfterError = new AtomicLong(NONE);

    /** The first fault fired at {@code nanos} (System.nanoTime); later calls set nothing. */
    public void fired(long nanos) {
        if (firedAt == NONE) {
            firedAt = nanos;
        }
    }

    /** One measured call: its outcome, when it was sent and when it completed (System.nanoTime). */
    public void saw(Outcome outcome, long sent, long done) {
        if (done < firedAt) {
            return;
        }
        // Runs after every measured call: read first, write only when the value moves (a CAS on each call would make
        // all workers contend for one cache line).
        if (outcome == Outcome.ERROR) {
            if (done < firstError.get()) {
                firstError.accumulateAndGet(done, Math::min);
            }
            if (done > lastError.get()) {
                lastError.accumulateAndGet(done, Math::max);
            }
        } else if (sent > firstError.get() && done < firstSuccessAfterError.get()) {
            firstSuccessAfterError.accumulateAndGet(done, Math::min);
        }
    }

    /** Seconds from {@code origin} to the first error after the fault; NaN when there was none. */
    public double firstErrorSeconds(long origin) {
        return seconds(firstError.get(), origin);
    }

    public double lastErrorSeconds(long origin) {
        return lastError.get() == Long.MIN_VALUE ? Double.NaN : (lastError.get() - origin) / 1e9;
    }

    public double firstSuccessAfterErrorSeconds(long origin) {
        return seconds(firstSuccessAfterError.get(), origin);
    }

    private static double seconds(long at, long origin) {
        return at == NONE ? Double.NaN : (at - origin) / 1e9;
    }
}
