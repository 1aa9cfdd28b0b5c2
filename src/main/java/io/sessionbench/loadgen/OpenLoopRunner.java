package io.sessionbench.loadgen;

import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.metrics.Latencies;
import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import io.sessionbench.scenario.ScenarioWorkload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Open-model load at a fixed rate (wrk2 style): each of {@code workers} threads owns an interleaved share of the
 * schedule, {@code intended(k) = start + (k·W + w) / rate} (or exponential gaps for Poisson arrivals), and never
 * waits for the schedule to catch up with it. Every call goes through {@link MeasuredCall} into one open-loop
 * {@link Latencies} book: successes, misses and errors by type apart, corrected (from the intended start) and
 * uncorrected (from the send). When the window closes the workers are stopped and joined before the last interval
 * is collected, so calls in flight at the end are recorded; scheduled requests never started are recorded in the
 * corrected histogram as (end of run − intended start). The corrected histogram's count is the number scheduled.
 */
public final class OpenLoopRunner {
    /**
     * What a run is asked to do. {@code rate} is the total rate of all {@code generators}; this one, {@code generator},
     * takes every {@code generators}-th request of that schedule. {@code startEpochNanos} is the shared instant the
     * schedule starts at (0: 50 ms from now), on the one clock all generators read ({@link ClockOffset}: the Redis
     * server's); {@code clockOffsetNanos} is that clock minus this machine's, so this generator starts when the shared
     * clock says so, not when its own does.
     */
    public record Config(double rate, boolean poisson, int workers, long warmupNanos, long durationNanos, long intervalNanos,
                         int generator, int generators, long startEpochNanos, long clockOffsetNanos) {
        public Config(double rate, boolean poisson, int workers, long warmupNanos, long durationNanos, long intervalNanos) {
            this(rate, poisson, workers, warmupNanos, durationNanos, intervalNanos, 0, 1, 0, 0);
        }

        /** This generator's share of the rate. */
        public double shareRate() {
            return rate / generators;
        }
    }

    /** {@code System.nanoTime()} at the given instant (epoch nanoseconds) on this machine's clock ({@link LocalClock}). */
    public static long nanoTimeAt(long epochNanos) {
        long now = LocalClock.epochNanos();
        long nano = System.nanoTime();
        return nano + (epochNanos - now);
    }

    /** The epoch milliseconds ({@link LocalClock}) of a {@code System.nanoTime()} reading, by one mapping per run. */
    private long epochMillisAt(long nanoTime) {
        return (epochAtBase + (nanoTime - nanoAtBase)) / 1_000_000L;
    }

    private long epochAtBase;
    private long nanoAtBase;

    /**
     * What a run measured; histograms in nanoseconds, keyed by their tag ({@code request.corrected}, {@code
     * request.miss}, {@code request.error.Unavailable}…). Each timeline row: seconds into the measurement, answered
     * req/s (successes and misses), corrected P50 µs, corrected P99 µs, uncorrected P99 µs, heap used MB, errors/s.
     */
    public record Outcome(double intendedRate, double achievedRate, long scheduled, long ok, Map<String, Long> misses,
                          Map<String, Long> errors, long notStarted, long late, Map<String, Histogram> histograms,
                          List<double[]> timeline, boolean interrupted, List<Map<String, Long>> errorsPerInterval,
                          double measuredSeconds) {
        /** Calls the store answered (successes and misses); errors are not completed work. */
        public long answered() {
            return ok + misses.values().stream().mapToLong(Long::longValue).sum();
        }

        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Whether the schedule was kept, by the one rule ({@link LoadRun#sustained(double, double, long, long, double, LoadRun.Successes)}). */
        public boolean sustained() {
            return LoadRun.sustained(intendedRate, achievedRate, scheduled, notStarted, latePercent(), successes());
        }

        /** The headline: latency of successful calls only, corrected and uncorrected. */
        public LoadRun.Successes successes() {
            return OpenLoopRunner.successes(histograms);
        }

        public double latePercent() {
            return scheduled == 0 ? 0 : 100.0 * late / scheduled;
        }

        public Histogram allCorrected() {
            return histograms.getOrDefault("all.corrected", Latencies.histogram());
        }

        public Histogram allUncorrected() {
            return histograms.getOrDefault("all.uncorrected", Latencies.histogram());
        }

        /** Successful calls of each operation, corrected. */
        public Map<String, Histogram> corrected() {
            Map<String, Histogram> m = new TreeMap<>();
            histograms.forEach((tag, h) -> {
                if (tag.endsWith(".corrected") && !tag.startsWith("all.")) {
                    m.put(tag.substring(0, tag.length() - ".corrected".length()), h);
                }
            });
            return m;
        }
    }

    /** The successes of every operation summed, from histograms keyed by tag ({@code request.corrected}…, {@code request.uncorrected}…). */
    static LoadRun.Successes successes(Map<String, Histogram> byTag) {
        Histogram corrected = Latencies.histogram();
        Histogram uncorrected = Latencies.histogram();
        byTag.forEach((tag, h) -> {
            if (!tag.startsWith("all.") && tag.endsWith(".corrected")) {
                corrected.add(h);
            } else if (!tag.startsWith("all.") && tag.endsWith(".uncorrected")) {
                uncorrected.add(h);
            }
        });
        return LoadRun.Successes.of(corrected, uncorrected);
    }

    private static final java.lang.management.MemoryMXBean HEAP = java.lang.management.ManagementFactory.getMemoryMXBean();
    /** How long the run waits for workers still in a call when the window closes, before it records them. */
    private long joinNanos = 30_000_000_000L;
    private final Config config;
    private final ScenarioWorkload workload;
    private final Latencies book = new Latencies(true);
    private volatile boolean stop;
    private java.util.function.LongConsumer onMeasureStart = t -> { };
    private volatile long measureStart;
    /** The measurement's end, pushed back one interval at a time while {@link #extendWhile} says so. */
    private volatile long end;
    private java.util.function.Predicate<List<double[]>> extendWhile;
    private long maxExtensionNanos;

    /**
     * Lets the run go on past its duration, one interval at a time and by at most {@code maxNanos}, while
     * {@code keepGoing} says so of the timeline so far (a fault run that has not recovered yet).
     */
    public void extendWhile(java.util.function.Predicate<List<double[]>> keepGoing, long maxNanos) {
        this.extendWhile = keepGoing;
        this.maxExtensionNanos = maxNanos;
    }

    /** The measured duration the run was configured with, in seconds (before any extension). */
    public double plannedSeconds() {
        return config.durationNanos() / 1e9;
    }

    /** The measurement's start (System.nanoTime) of the last {@link #run}. */
    public long measureStart() {
        return measureStart;
    }
    private FaultWatch watch;

    /** Called with the measurement's start (System.nanoTime) before the workers start; faults time themselves from it. */
    public void onMeasureStart(java.util.function.LongConsumer c) {
        this.onMeasureStart = c;
    }

    /** Shows every measured call to {@code w} (a fault's error window and recovery). */
    public void watch(FaultWatch w) {
        this.watch = w;
    }

    public OpenLoopRunner(Config config, ScenarioWorkload workload) {
        this.config = config;
        this.workload = workload;
    }

    /** A shorter wait for workers stuck in a call at the end (tests force a stuck lane without waiting 30 s). */
    OpenLoopRunner joinTimeout(long nanos) {
        this.joinNanos = nanos;
        return this;
    }

    /** Stops the run early (Ctrl-C); {@link #run} then returns what was measured so far. */
    public void stop() {
        stop = true;
    }

    /**
     * One worker thread's schedule position and counts. The operation in flight is a token: the call's own record and
     * the run's end ("no answer at end") each take it, so exactly one of them records the call. {@code settled} is
     * taken by whoever counts the rest of the lane's schedule as never started: the worker when it ends, or the run
     * when the worker is still stuck in a call after the join.
     */
    private static final class Lane {
        final AtomicLong scheduled = new AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<Operation> inFlight = new java.util.concurrent.atomic.AtomicReference<>();
        final java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
        volatile long inFlightSince;
        /** The lane's schedule, advanced past the request in flight before it is sent. */
        volatile Schedule schedule;
    }

    /**
     * Runs warm-up then measurement, logging one interval per {@code intervalNanos} to {@code hlog} and a progress
     * line to {@code progress}; {@code workersOut} receives the workers (for the lost-update check).
     */
    public Outcome run(Path hlog, PrintStream progress, String label, List<ScenarioWorkload.Worker> workersOut) throws InterruptedException {
        int w = config.workers();
        epochAtBase = LocalClock.epochNanos();
        nanoAtBase = System.nanoTime();
        long start = config.startEpochNanos() > 0 ? nanoTimeAt(config.startEpochNanos() - config.clockOffsetNanos())
                : System.nanoTime() + 50_000_000L;
        long measureStart = start + config.warmupNanos();
        long plannedEnd = measureStart + config.durationNanos();
        end = plannedEnd;
        Lane[] lanes = new Lane[w];
        List<Thread> threads = new ArrayList<>();
        // The warm-up records into a book of its own, by the same code as the measurement: which book is chosen by
        // arithmetic, not a branch, so the compiled loop has no path the warm-up never took (the JIT's untaken-branch
        // trap fired at the measurement's start and sent the worker back to the interpreter: late starts of 2-4 ms).
        Latencies[] books = {new Latencies(true), book};
        this.measureStart = measureStart;
        onMeasureStart.accept(measureStart);
        FaultWatch seen = watch;
        workload.runStarting();
        for (int i = 0; i < w; i++) {
            int id = i;
            Lane lane = lanes[i] = new Lane();
            ScenarioWorkload.Worker worker = workload.worker(id, w);
            workersOut.add(worker);
            MeasuredCall measured = new MeasuredCall((op, outcome, type, intended, sent, done) -> {
                if (lane.inFlight.getAndSet(null) != null) {
                    books[phase(intended, measureStart)].record(op, outcome, type, intended, sent, done);
                    if (seen != null) {
                        seen.saw(outcome, sent, done);
                    }
                }
            });
            Thread t = new Thread(() -> work(worker, measured, lane, id, start, measureStart), "loadgen-" + id);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);

        Map<String, Histogram> totals = new TreeMap<>();
        List<double[]> timeline = new ArrayList<>();
        List<Map<String, Long>> errorTypes = new ArrayList<>();
        // The warm-up's intervals are taken and dropped on the measurement's cadence, so the recorders' phase flips
        // are compiled before the first measured interval too.
        for (long t = start + config.intervalNanos(); t < measureStart && !stop; t += config.intervalNanos()) {
            sleepUntil(t);
            books[0].recycle(books[0].intervals());
        }
        long nextReport = measureStart;
        sleepUntil(measureStart);
        long last = measureStart;
        while (!stop) {
            nextReport += config.intervalNanos();
            sleepUntil(Math.min(nextReport, end));
            long now = System.nanoTime();
            if (now >= end || stop) {
                break;
            }
            interval(hlog, totals, timeline, errorTypes, last, now, measureStart, progress, label, end - now);
            last = now;
            long step = config.intervalNanos();
            if (extendWhile != null && end - now <= step * 3 / 2 && end + step <= plannedEnd + maxExtensionNanos && extendWhile.test(timeline)) {
                end += step; // decided before the workers reach the old end, so their schedules run on unbroken
            }
        }
        long stoppedAt = System.nanoTime();
        boolean interrupted = stop && stoppedAt < end;
        stop = true;
        long deadline = System.nanoTime() + joinNanos;
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        long closed = System.nanoTime();
        for (int i = 0; i < w; i++) {
            Lane lane = lanes[i];
            if (!threads.get(i).isAlive()) {
                continue;
            }
            // A worker still stuck after the join: its call in flight is an error, never dropped; the rest of its
            // schedule is owed as never started, as the worker itself would have counted it.
            Operation op = lane.inFlight.getAndSet(null);
            if (op != null && lane.inFlightSince >= measureStart) {
                book.record(op, io.sessionbench.metrics.Outcome.ERROR, "noAnswerAtEnd", lane.inFlightSince, lane.inFlightSince, closed);
            }
            if (lane.schedule != null) {
                owe(lane, lane.schedule, start, measureStart, closed);
            }
        }
        long now = System.nanoTime();
        interval(hlog, totals, timeline, errorTypes, last, now, measureStart, progress, label, 0);
        if (progress != null) {
            progress.println();
        }
        long scheduled = 0;
        for (Lane lane : lanes) {
            scheduled += lane.scheduled.get();
        }
        double elapsed = ((interrupted ? stoppedAt : end) - measureStart) / 1e9;
        long answered = book.ok() + book.misses().values().stream().mapToLong(Long::longValue).sum();
        return new Outcome(config.shareRate(), answered / Math.max(elapsed, 1e-9), scheduled, book.ok(), book.misses(),
                book.errors(), book.notStartedCount(), book.late(), totals, timeline, interrupted, errorTypes, elapsed);
    }

    /**
     * Collects one interval of every histogram, stamps it with the interval's own start and end ({@code from} … {@code to},
     * on this generator's clock: the first interval starts at the measurement's start, not when the book was made),
     * appends it to the log, adds it to the totals and the timeline.
     */
    private void interval(Path hlog, Map<String, Histogram> totals, List<double[]> timeline, List<Map<String, Long>> errorTypes,
                          long from, long to, long measureStart, PrintStream progress, String label, long leftNanos) {
        double at = (to - measureStart) / 1e9;
        double secs = (to - from) / 1e9;
        List<Histogram> intervals = book.intervals();
        for (Histogram h : intervals) {
            h.setStartTimeStamp(epochMillisAt(from));
            h.setEndTimeStamp(epochMillisAt(to));
        }
        if (!intervals.isEmpty()) {
            HistogramFiles.append(hlog, intervals);
        }
        Interval i = Interval.of(intervals, totals);
        Histogram ic = i.corrected();
        double rate = secs <= 0 ? 0 : i.answered() / secs;
        timeline.add(i.timelineRow(at, secs, HEAP.getHeapMemoryUsage().getUsed() / 1048576.0, config.intervalNanos() / 1e9));
        errorTypes.add(i.errorTypes());
        if (progress != null) {
            Histogram all = totals.getOrDefault("all.corrected", ic);
            progress.printf(Locale.ROOT, "\r[%s] %.0f/%.0f req/s, P99 %.2f ms (corrected so far %.2f ms), errors %d, %ds left   ",
                    label, rate, config.shareRate(), ic.getValueAtPercentile(99) / 1e6, all.getValueAtPercentile(99) / 1e6,
                    book.errorTotal(), Math.max(0, leftNanos / 1_000_000_000L));
            progress.flush();
        }
        book.recycle(intervals);
    }

    /**
     * One interval's histograms read the one way every timeline row is made (here and in {@link Merge}): answered
     * calls (successes and misses), errors, and the corrected and uncorrected histograms of all operations.
     */
    record Interval(long answered, long errors, Histogram corrected, Histogram uncorrected, Map<String, Long> errorTypes) {
        /** Classifies the interval's histograms by tag and adds each to {@code totals} (by tag). */
        static Interval of(List<Histogram> intervals, Map<String, Histogram> totals) {
            long answered = 0;
            long errors = 0;
            Map<String, Long> types = new TreeMap<>();
            Histogram ic = Latencies.histogram();
            Histogram iu = Latencies.histogram();
            for (Histogram h : intervals) {
                String tag = h.getTag();
                totals.computeIfAbsent(tag, k -> {
                    Histogram t = Latencies.histogram();
                    t.setTag(k);
                    return t;
                }).add(h);
                if (tag.equals("all.corrected")) {
                    ic = h;
                } else if (tag.equals("all.uncorrected")) {
                    iu = h;
                } else if (tag.contains(".error.")) {
                    errors += h.getTotalCount();
                    if (h.getTotalCount() > 0) {
                        types.merge(tag.substring(tag.indexOf(".error.") + ".error.".length()), h.getTotalCount(), Long::sum);
                    }
                } else if ((tag.endsWith(".corrected") || tag.endsWith(".miss")) && !tag.startsWith("all.")) {
                    answered += h.getTotalCount();
                }
            }
            return new Interval(answered, errors, ic, iu, types);
        }

        /**
         * seconds at the interval's end, answered/s, corrected P50 µs, corrected P99 µs, uncorrected P99 µs, heap MB,
         * errors/s, and 1 when the interval is partial (over 5 % shorter or longer than {@code nominal} seconds: the
         * last one, which runs until the workers are joined, or a merged edge) else 0. Rates are per real second.
         */
        double[] timelineRow(double at, double secs, double heapMb, double nominal) {
            return new double[] {at, secs <= 0 ? 0 : answered / secs, corrected.getValueAtPercentile(50) / 1e3,
                    corrected.getValueAtPercentile(99) / 1e3, uncorrected.getValueAtPercentile(99) / 1e3, heapMb,
                    secs <= 0 ? 0 : errors / secs, Math.abs(secs - nominal) > 0.05 * nominal ? 1 : 0};
        }
    }

    private void work(ScenarioWorkload.Worker worker, MeasuredCall measured, Lane lane, int id, long start, long measureStart) {
        // Lane id·N + g of all generators' W·N lanes: constant arrivals give request m of the total schedule (at
        // start + m/rate, computed from m alone, so every process rounds it alike) to lane m mod W·N, so the
        // generators together run exactly the single-generator schedule; Poisson lanes each run at rate/(W·N), whose
        // union is a Poisson process at the total rate.
        int lanes = config.workers() * config.generators();
        int laneId = id * config.generators() + config.generator();
        Schedule next = new Schedule(config, lanes, laneId);
        lane.schedule = next;
        while (!stop) {
            long intended = start + next.offset();
            if (intended >= end) {
                return;
            }
            waitUntil(intended);
            if (stop) {
                break;
            }
            next.advance();
            lane.scheduled.addAndGet(phase(intended, measureStart));
            lane.inFlightSince = intended;
            lane.inFlight.set(worker.peek());
            try {
                worker.next(measured, intended);
            } catch (RuntimeException e) {
                // recorded by MeasuredCall as an unexpected error; the schedule goes on
            }
            lane.inFlight.set(null);
        }
        owe(lane, next, start, measureStart, System.nanoTime());
    }

    /**
     * Scheduled starts a lane never reached (its backlog, or what was due when the run was stopped): each is recorded
     * as (end of run − intended start). A stopped run owes only what was due by the time it stopped. Done once per
     * lane, by the worker or by the run for a worker stuck past the join.
     */
    private void owe(Lane lane, Schedule next, long start, long measureStart, long closed) {
        if (!lane.settled.compareAndSet(false, true)) {
            return;
        }
        long limit = Math.min(end, closed);
        for (long t = start + next.offset(); t < limit; t = start + next.offset()) {
            if (t >= measureStart) {
                lane.scheduled.incrementAndGet();
                book.notStarted(t, closed);
            }
            next.advance();
        }
    }

    /** One lane's intended start times, as nanoseconds from the schedule's start. */
    private static final class Schedule {
        private final Config config;
        private final int lanes;
        private final SplittableRandom rnd;
        private final double gap;
        private long m;
        private double poissonOffset;

        Schedule(Config config, int lanes, int laneId) {
            this.config = config;
            this.lanes = lanes;
            this.m = laneId;
            this.gap = 1e9 * lanes / config.rate();
            this.rnd = new SplittableRandom(31 + laneId);
            this.poissonOffset = config.poisson() ? exponential(rnd, gap) : 0;
        }

        long offset() {
            return config.poisson() ? (long) poissonOffset : (long) (m * 1e9 / config.rate());
        }

        void advance() {
            if (config.poisson()) {
                poissonOffset += exponential(rnd, gap);
            } else {
                m += lanes;
            }
        }
    }

    /** 1 when {@code intended} falls in the measurement (at or after {@code measureStart}), else 0; branch-free. */
    static int phase(long intended, long measureStart) {
        return (int) ((measureStart - 1 - intended) >>> 63);
    }

    private static double exponential(SplittableRandom r, double mean) {
        return -Math.log(1.0 - r.nextDouble()) * mean;
    }

    private void waitUntil(long deadline) {
        long remaining;
        while (!stop && (remaining = deadline - System.nanoTime()) > 0) {
            if (remaining > 200_000) {
                LockSupport.parkNanos(Math.min(remaining - 100_000, 50_000_000));
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
