package io.sessionbench.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The histograms a run records into, in nanoseconds with 3 significant digits, fed by {@link MeasuredCall}. Per
 * operation: successful calls, misses, and failures per error type are separate histograms, so a fast "not found" or
 * a fast failure never looks like speed. An open-loop book also keeps the uncorrected view (from the send) of
 * successful calls and, for the whole run, corrected and uncorrected histograms of every scheduled request, including
 * those never started ({@link #notStarted}). Interval tags: {@code <op>} (closed loop) or {@code <op>.corrected} and
 * {@code <op>.uncorrected} (open loop) for successes, {@code <op>.miss}, {@code <op>.error.<Type>},
 * {@code notStarted}, {@code all.corrected}, {@code all.uncorrected}.
 */
public final class Latencies implements MeasuredCall.Sink {
    /** Highest trackable value: 60 s, far above any session call; larger values are clamped, not dropped. */
    public static final long MAX_NANOS = 60_000_000_000L;
    /** The book of the JMH benchmark running in this JVM (JMH runs one benchmark per forked JVM). */
    private static final Latencies CLOSED_LOOP = new Latencies(false);

    private final boolean openLoop;
    private final Recorder[] ok;
    private final Recorder[] okUncorrected;
    private final Recorder[] miss;
    private final Map<String, Recorder> errors = new ConcurrentHashMap<>();
    private final Recorder allCorrected = recorder();
    private final Recorder allUncorrected = recorder();
    private final Recorder notStarted = recorder();
    private final LongAdder[] okCount;
    private final LongAdder[] missCount;
    private final Map<String, LongAdder> errorCount = new ConcurrentHashMap<>();
    private final LongAdder notStartedCount = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final long lateNanos;
    /** Interval histograms ready to be recorded into again, by recorder; and those lent out, to their recorder. */
    private final Map<Recorder, Histogram> spare = new java.util.IdentityHashMap<>();
    private final Map<Histogram, Recorder> lent = new java.util.IdentityHashMap<>();

    public Latencies(boolean openLoop) {
        this(openLoop, 1_000_000);
    }

    /** {@code lateNanos}: a call sent this much after its intended start counts as a late start (open loop). */
    public Latencies(boolean openLoop, long lateNanos) {
        this.openLoop = openLoop;
        this.lateNanos = lateNanos;
        int n = Operation.values().length;
        ok = new Recorder[n];
        okUncorrected = new Recorder[n];
        miss = new Recorder[n];
        okCount = new LongAdder[n];
        missCount = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            ok[i] = recorder();
            okUncorrected[i] = recorder();
            miss[i] = recorder();
            okCount[i] = new LongAdder();
            missCount[i] = new LongAdder();
        }
    }

    /** The process-wide closed-loop book the JMH benchmarks record into and {@link HdrProfiler} reads. */
    public static Latencies closedLoop() {
        return CLOSED_LOOP;
    }

    public static Recorder recorder() {
        return new Recorder(MAX_NANOS, 3);
    }

    public static Histogram histogram() {
        return new Histogram(MAX_NANOS, 3);
    }

    /** Records one call's latency; values beyond the histogram's range count as its maximum. */
    public static void record(Recorder r, long nanos) {
        r.recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    }

    @Override
    public void record(Operation op, Outcome outcome, String errorType, long intended, long sent, long done) {
        long corrected = done - intended;
        int i = op.ordinal();
        switch (outcome) {
            case OK -> {
                record(ok[i], corrected);
                okCount[i].increment();
                if (openLoop) {
                    record(okUncorrected[i], done - sent);
                }
            }
            case MISS -> {
                record(miss[i], corrected);
                missCount[i].increment();
            }
            case ERROR -> {
                String key = op.label() + ".error." + errorType;
                record(errors.computeIfAbsent(key, k -> recorder()), corrected);
                errorCount.computeIfAbsent(key, k -> new LongAdder()).increment();
            }
        }
        if (openLoop) {
            record(allCorrected, corrected);
            record(allUncorrected, done - sent);
            if (sent - intended > lateNanos) {
                late.increment();
            }
        }
    }

    /** A scheduled request that was never started: its corrected latency is (end of run − intended start). */
    public void notStarted(long intended, long end) {
        record(notStarted, end - intended);
        record(allCorrected, end - intended);
        notStartedCount.increment();
    }

    /** Clears every histogram and count (JMH: before each iteration). */
    public void reset() {
        for (Recorder r : all()) {
            r.reset();
        }
        errors.values().forEach(Recorder::reset);
    }

    private List<Recorder> all() {
        List<Recorder> l = new ArrayList<>(List.of(allCorrected, allUncorrected, notStarted));
        l.addAll(List.of(ok));
        l.addAll(List.of(okUncorrected));
        l.addAll(List.of(miss));
        return l;
    }

    /** The histograms since the last call, tagged; empty ones are left out. */
    public List<Histogram> intervals() {
        lent.clear(); // only the last set can be handed back: callers that never recycle keep no histogram alive here
        List<Histogram> out = new ArrayList<>();
        for (Operation op : Operation.values()) {
            int i = op.ordinal();
            take(ok[i], openLoop ? op.label() + ".corrected" : op.label(), out);
            if (openLoop) {
                take(okUncorrected[i], op.label() + ".uncorrected", out);
            }
            take(miss[i], op.label() + ".miss", out);
        }
        new TreeMap<>(errors).forEach((k, r) -> take(r, k, out));
        if (openLoop) {
            take(notStarted, "notStarted", out);
            take(allCorrected, "all.corrected", out);
            take(allUncorrected, "all.uncorrected", out);
        }
        return out;
    }

    private void take(Recorder r, String tag, List<Histogram> out) {
        Histogram h = r.getIntervalHistogram(spare.remove(r));
        if (h.getTotalCount() > 0) {
            h.setTag(tag);
            out.add(h);
            lent.put(h, r);
        } else {
            spare.put(r, h);
        }
    }

    /**
     * Hands back histograms {@link #intervals} returned once the caller is done with them: the next interval is
     * recorded into them instead of new ones (a 60 s range at 3 digits is over 200 KB each, and the open-loop run
     * takes one set per second on the machine its workers share). Only the thread that takes intervals calls this.
     */
    public void recycle(List<Histogram> done) {
        for (Histogram h : done) {
            Recorder r = lent.remove(h);
            if (r != null) {
                spare.put(r, h);
            }
        }
    }

    /** Successful calls so far (all operations). */
    public long ok() {
        long n = 0;
        for (LongAdder a : okCount) {
            n += a.sum();
        }
        return n;
    }

    /** Misses so far, per operation label (operations without misses left out). */
    public Map<String, Long> misses() {
        Map<String, Long> m = new TreeMap<>();
        for (Operation op : Operation.values()) {
            long v = missCount[op.ordinal()].sum();
            if (v > 0) {
                m.put(op.label(), v);
            }
        }
        return m;
    }

    /** Errors so far, per {@code <op>.error.<Type>}. */
    public Map<String, Long> errors() {
        Map<String, Long> m = new TreeMap<>();
        errorCount.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public long errorTotal() {
        return errorCount.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long notStartedCount() {
        return notStartedCount.sum();
    }

    public long late() {
        return late.sum();
    }
}
