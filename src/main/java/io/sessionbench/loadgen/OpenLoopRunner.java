package io.sessionbench.loadgen;

import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.metrics.Latencies;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.ScenarioWorkload;
import io.sessionbench.store.StoreException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-model load at a fixed rate (wrk2 style): each of {@code workers} threads owns an interleaved share of the
 * schedule, {@code intended(k) = start + (k·W + w) / rate} (or exponential gaps for Poisson arrivals), and never
 * waits for the schedule to catch up with it. Latency is recorded per operation from the intended start
 * (corrected) and from the actual send (uncorrected); a worker that falls behind starts late, and the lateness is
 * counted and shows up in the corrected figures instead of vanishing.
 */
public final class OpenLoopRunner {
    /** What a run is asked to do. */
    public record Config(double rate, boolean poisson, int workers, long warmupNanos, long durationNanos, long intervalNanos) {
    }

    /**
     * What a run measured; histograms in nanoseconds. Each timeline row: seconds into the measurement, achieved
     * req/s, corrected P50 µs, corrected P99 µs, uncorrected P99 µs, heap used MB (sampled once per interval).
     */
    public record Outcome(double intendedRate, double achievedRate, long scheduled, long completed, long backlog,
                          long late, Map<String, Histogram> corrected, Map<String, Histogram> uncorrected,
                          Histogram allCorrected, Histogram allUncorrected, Map<String, Long> errors,
                          List<double[]> timeline, boolean interrupted) {
        public boolean sustained() {
            return achievedRate >= 0.95 * intendedRate && backlog <= Math.max(10, scheduled / 100);
        }

        public double latePercent() {
            return completed == 0 ? 0 : 100.0 * late / completed;
        }
    }

    private static final long LATE_NANOS = 1_000_000;
    private static final java.lang.management.MemoryMXBean HEAP = java.lang.management.ManagementFactory.getMemoryMXBean();
    private final Config config;
    private final ScenarioWorkload workload;
    private final Recorder[] corrected;
    private final Recorder[] uncorrected;
    private final Recorder allCorrected = new Recorder(Latencies.MAX_NANOS, 3);
    private final Recorder allUncorrected = new Recorder(Latencies.MAX_NANOS, 3);
    private final LongAdder completed = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile boolean stop;

    public OpenLoopRunner(Config config, ScenarioWorkload workload) {
        this.config = config;
        this.workload = workload;
        int ops = Scenario.Operation.values().length;
        corrected = new Recorder[ops];
        uncorrected = new Recorder[ops];
        for (int i = 0; i < ops; i++) {
            corrected[i] = new Recorder(Latencies.MAX_NANOS, 3);
            uncorrected[i] = new Recorder(Latencies.MAX_NANOS, 3);
        }
    }

    /** Stops the run early (Ctrl-C); {@link #run} then returns what was measured so far. */
    public void stop() {
        stop = true;
    }

    /**
     * Runs warm-up then measurement, logging one interval per {@code intervalNanos} to {@code hlog} and a progress
     * line to {@code progress}; returns the outcome and the workers (for the lost-update check).
     */
    public Outcome run(Path hlog, PrintStream progress, String label, List<ScenarioWorkload.Worker> workersOut) throws InterruptedException {
        int w = config.workers();
        long start = System.nanoTime() + 50_000_000L;
        long measureStart = start + config.warmupNanos();
        long end = measureStart + config.durationNanos();
        long[] executed = new long[w];
        long[] scheduled = new long[w];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < w; i++) {
            int id = i;
            ScenarioWorkload.Worker worker = workload.worker(id);
            workersOut.add(worker);
            Thread t = new Thread(() -> work(worker, id, start, measureStart, end, executed, scheduled), "loadgen-" + id);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);

        Map<String, Histogram> totalC = new TreeMap<>();
        Map<String, Histogram> totalU = new TreeMap<>();
        Histogram allC = new Histogram(Latencies.MAX_NANOS, 3);
        Histogram allU = new Histogram(Latencies.MAX_NANOS, 3);
        List<double[]> timeline = new ArrayList<>();
        long nextReport = measureStart;
        sleepUntil(measureStart);
        long lastCompleted = 0;
        while (!stop) {
            nextReport += config.intervalNanos();
            sleepUntil(Math.min(nextReport, end));
            long now = System.nanoTime();
            List<Histogram> intervals = new ArrayList<>();
            Scenario.Operation[] ops = Scenario.Operation.values();
            for (int i = 0; i < ops.length; i++) {
                collect(corrected[i], ops[i].label() + ".corrected", intervals, totalC, ops[i].label());
                collect(uncorrected[i], ops[i].label() + ".uncorrected", intervals, totalU, ops[i].label());
            }
            Histogram ic = allCorrected.getIntervalHistogram();
            ic.setTag("all.corrected");
            Histogram iu = allUncorrected.getIntervalHistogram();
            iu.setTag("all.uncorrected");
            intervals.add(ic);
            intervals.add(iu);
            allC.add(ic);
            allU.add(iu);
            HistogramFiles.append(hlog, intervals);
            long done = completed.sum();
            double secs = config.intervalNanos() / 1e9;
            timeline.add(new double[] {(now - measureStart) / 1e9, (done - lastCompleted) / secs,
                    ic.getValueAtPercentile(50) / 1e3, ic.getValueAtPercentile(99) / 1e3, iu.getValueAtPercentile(99) / 1e3,
                    HEAP.getHeapMemoryUsage().getUsed() / 1048576.0});
            lastCompleted = done;
            if (progress != null) {
                progress.printf(Locale.ROOT, "\r[%s] %.0f/%.0f req/s, P99 %.2f ms (corrected so far %.2f ms), errors %d, %ds left   ",
                        label, timeline.get(timeline.size() - 1)[1], config.rate(), ic.getValueAtPercentile(99) / 1e6,
                        allC.getValueAtPercentile(99) / 1e6, errorCount(), Math.max(0, (end - now) / 1_000_000_000L));
                progress.flush();
            }
            if (now >= end) {
                break;
            }
        }
        boolean interrupted = stop;
        stop = true;
        for (Thread t : threads) {
            t.join(5000);
        }
        if (progress != null) {
            progress.println();
        }
        long scheduledTotal = 0;
        long ran = 0;
        for (int i = 0; i < w; i++) {
            scheduledTotal += scheduled[i];
            ran += executed[i];
        }
        double elapsed = (Math.min(System.nanoTime(), end) - measureStart) / 1e9;
        Map<String, Long> errs = new TreeMap<>();
        errors.forEach((k, v) -> errs.put(k, v.sum()));
        return new Outcome(config.rate(), completed.sum() / Math.max(elapsed, 1e-9), scheduledTotal, completed.sum(),
                Math.max(0, scheduledTotal - ran), late.sum(), totalC, totalU, allC, allU, errs, timeline, interrupted);
    }

    private long errorCount() {
        long n = 0;
        for (LongAdder a : errors.values()) {
            n += a.sum();
        }
        return n;
    }

    private static void collect(Recorder r, String tag, List<Histogram> intervals, Map<String, Histogram> totals, String op) {
        Histogram h = r.getIntervalHistogram();
        if (h.getTotalCount() == 0) {
            return;
        }
        h.setTag(tag);
        intervals.add(h);
        totals.computeIfAbsent(op, k -> new Histogram(Latencies.MAX_NANOS, 3)).add(h);
    }

    private void work(ScenarioWorkload.Worker worker, int id, long start, long measureStart, long end,
                      long[] executed, long[] scheduled) {
        double gap = 1e9 * config.workers() / config.rate();
        SplittableRandom rnd = new SplittableRandom(31 + id);
        double offset = config.poisson() ? exponential(rnd, gap) : gap * id / config.workers();
        while (!stop) {
            long intended = start + (long) offset;
            if (intended >= end) {
                break;
            }
            boolean measured = intended >= measureStart;
            if (measured) {
                scheduled[id]++;
            }
            waitUntil(intended);
            if (stop) {
                break;
            }
            offset += config.poisson() ? exponential(rnd, gap) : gap;
            long sent = System.nanoTime();
            int op = -1;
            String error = null;
            try {
                op = worker.next();
            } catch (RuntimeException e) {
                error = e instanceof StoreException ? e.getClass().getSimpleName() : "unexpected " + e.getClass().getSimpleName();
            }
            long done = System.nanoTime();
            if (!measured) {
                continue;
            }
            executed[id]++;
            completed.increment();
            if (sent - intended > LATE_NANOS) {
                late.increment();
            }
            if (error != null) {
                errors.computeIfAbsent(error, x -> new LongAdder()).increment();
            } else {
                Latencies.record(corrected[op], done - intended);
                Latencies.record(uncorrected[op], done - sent);
                Latencies.record(allCorrected, done - intended);
                Latencies.record(allUncorrected, done - sent);
            }
        }
        // Scheduled starts inside the measurement window that the worker never reached: its backlog. A stopped
        // (interrupted) run only owes what was due by the time it stopped.
        long limit = stop ? Math.min(end, System.nanoTime()) : end;
        for (long t = start + (long) offset; t < limit; t = start + (long) offset) {
            if (t >= measureStart) {
                scheduled[id]++;
            }
            offset += config.poisson() ? exponential(rnd, gap) : gap;
        }
    }

    private static double exponential(SplittableRandom r, double mean) {
        return -Math.log(1.0 - r.nextDouble()) * mean;
    }

    private static void waitUntil(long deadline) {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            if (remaining > 200_000) {
                LockSupport.parkNanos(remaining - 100_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void sleepUntil(long deadline) throws InterruptedException {
        long remaining;
        while (!stop && (remaining = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Math.min(remaining / 1_000_000 + 1, 100));
        }
    }
}
