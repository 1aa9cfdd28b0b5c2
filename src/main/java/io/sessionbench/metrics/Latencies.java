package io.sessionbench.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Recorder;

/**
 * The latency recorders of the benchmark running in this JVM, one per measured operation, in nanoseconds with 3
 * significant digits. JMH runs one benchmark per forked JVM, so a process-wide registry is per benchmark.
 */
public final class Latencies {
    /** Highest trackable value: 60 s, far above any session call; larger values are clamped, not dropped. */
    public static final long MAX_NANOS = 60_000_000_000L;
    private static final Map<String, Recorder> RECORDERS = new ConcurrentHashMap<>();

    private Latencies() {
    }

    public static Recorder recorder(String operation) {
        return RECORDERS.computeIfAbsent(operation, op -> new Recorder(MAX_NANOS, 3));
    }

    /** Records one call's latency; values beyond the histogram's range count as its maximum. */
    public static void record(Recorder r, long nanos) {
        r.recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    }

    static Map<String, Recorder> all() {
        return RECORDERS;
    }
}
