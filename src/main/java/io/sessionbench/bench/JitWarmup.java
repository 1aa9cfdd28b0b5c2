package io.sessionbench.bench;

import io.sessionbench.metrics.Operation;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.Session;
import io.sessionbench.store.StoreException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Untimed warm-up at trial start, before JMH's own: runs the benchmark's store call until the JIT compiler settles
 * (less than 4 % of a 125 ms slice spent compiling) and throughput is steady (over the last 1 s of slices, the fitted
 * trend of calls per slice moves them by less than 3 %, or by less than twice its standard error), at least 1 s and at
 * most 10 s. The floor was 2 s of 250 ms slices; forks of Jedis, Postgres and the in-process map ended at that floor
 * (results/2026-12-06_fork-cost), so it was a fixed cost of every fork, not a sign of an unsettled JIT. Throughput went on climbing
 * after the compiler was quiet: forks of the dimensioning run (results/2026-12-02_dimension) were 1–14 % faster in
 * their second half than in their first. On 2 cores the compiler threads
 * compete with the client and the server, and a fixed short warm-up left 300–500 ms of compilation in 500 ms
 * measurement iterations (Redisson longest); how long each client needs differs, so the warm-up watches the
 * compiler instead of the clock. What remains is recorded per iteration ({@code noise.jitMs}).
 * <p>
 * {@code -Dsessionbench.warmup.maxSeconds=S} lowers the cap (and the floor with it): the tests that run every
 * benchmark once to see it work set it, since they measure nothing; the output says when the cap cut a warm-up short.
 */
final class JitWarmup {
    static final long MIN_NANOS = 1_000_000_000L;
    /** Slices over which throughput must show no trend. */
    static final int STEADY_SLICES = 8;
    static final double STEADY_DRIFT = 0.03;
    static final long MAX_NANOS = 10_000_000_000L;
    static final long SLICE_NANOS = 125_000_000L;
    static final String MAX_SECONDS_PROPERTY = "sessionbench.warmup.maxSeconds";
    static final double QUIET = 0.04;
    /**
     * {@code -Dsessionbench.warmup.minCalls=N}: calls the warm-up makes at least (within its cap). HotSpot's C2 takes a
     * method at 5,000 invocations and 15,000 with loops ({@code Tier4InvocationThreshold}, {@code Tier4CompileThreshold}):
     * a warm-up of fewer calls can find the compiler quiet between C1 and C2 and end, and C2 then compiles during the
     * measurement.
     */
    static final String MIN_CALLS_PROPERTY = "sessionbench.warmup.minCalls";
    static final int MIN_CALLS = 0;

    private JitWarmup() {
    }

    /** Warms {@code operation} (the benchmark's) on {@code s}; returns a line saying how long it took. */
    static String run(Operation operation, int inFlight, StoreState s) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return "warm-up skipped: this JVM does not report compilation time";
        }
        Runnable call = call(operation, inFlight, s);
        long max = maxNanos();
        long min = Math.min(MIN_NANOS, max);
        long slice = Math.min(SLICE_NANOS, Math.max(1, max));
        long minCalls = Long.getLong(MIN_CALLS_PROPERTY, MIN_CALLS);
        long start = System.nanoTime();
        long jitStart = jit.getTotalCompilationTime();
        int k = 0;
        List<Double> rates = new ArrayList<>();
        boolean steady = false;
        try {
            while (true) {
                long sliceStart = System.nanoTime();
                long jitBefore = jit.getTotalCompilationTime();
                int calls = 0;
                while (System.nanoTime() - sliceStart < slice) {
                    call.run();
                    calls++;
                }
                k += calls;
                rates.add((double) Math.max(1, calls));
                long compiled = jit.getTotalCompilationTime() - jitBefore;
                long elapsed = System.nanoTime() - start;
                steady = steady(rates);
                if ((elapsed >= min && k >= minCalls && compiled <= QUIET * slice / 1e6 && steady) || elapsed >= max) {
                    break;
                }
            }
        } catch (StoreException e) {
            return "warm-up stopped by a store error (the measurement will count it): " + e.getMessage();
        }
        return String.format(Locale.ROOT, "warm-up until the JIT settled and throughput was steady: %.1f s, %d calls, %d ms compiling%s",
                (System.nanoTime() - start) / 1e9, k, jit.getTotalCompilationTime() - jitStart, steady ? ""
                        : max < MAX_NANOS ? String.format(Locale.ROOT, " (cut at %.1f s by -D%s)", max / 1e9, MAX_SECONDS_PROPERTY)
                        : " (still climbing at the 10 s cap)");
    }

    /** The cap: 10 s, or lower when {@value #MAX_SECONDS_PROPERTY} says so (a value that is not a number is refused). */
    static long maxNanos() {
        String v = System.getProperty(MAX_SECONDS_PROPERTY);
        if (v == null) {
            return MAX_NANOS;
        }
        try {
            double seconds = Double.parseDouble(v.trim());
            if (!(seconds >= 0)) {
                throw new NumberFormatException();
            }
            return Math.min(MAX_NANOS, (long) (seconds * 1e9));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + MAX_SECONDS_PROPERTY + "=" + v + " is not a number of seconds >= 0");
        }
    }

    /** Whether the least-squares trend of the last {@link #STEADY_SLICES} slices' log call counts moves them by under 3 %. */
    static boolean steady(List<Double> rates) {
        int n = rates.size();
        if (n < STEADY_SLICES) {
            return false;
        }
        double xm = (STEADY_SLICES - 1) / 2.0;
        double ym = 0;
        for (int i = n - STEADY_SLICES; i < n; i++) {
            ym += Math.log(rates.get(i));
        }
        ym /= STEADY_SLICES;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < STEADY_SLICES; i++) {
            double x = i - xm;
            sxy += x * (Math.log(rates.get(n - STEADY_SLICES + i)) - ym);
            sxx += x * x;
        }
        double slope = sxy / sxx;
        double sse = 0;
        for (int i = 0; i < STEADY_SLICES; i++) {
            double e = Math.log(rates.get(n - STEADY_SLICES + i)) - ym - slope * (i - xm);
            sse += e * e;
        }
        double se = Math.sqrt(sse / (STEADY_SLICES - 2) / sxx);
        // A trend smaller than 3 % over the window, or one the slices' own scatter cannot tell from none.
        return Math.abs(slope) * (STEADY_SLICES - 1) < STEADY_DRIFT || Math.abs(slope) < 2 * se;
    }

    /** The benchmark's store call through the one catalogue ({@link Operation#invoke}), untimed and unrecorded. */
    private static Runnable call(Operation op, int inFlight, StoreState s) {
        int[] next = {0};
        java.util.function.IntSupplier index = () -> s.sequence[next[0]++ & Workload.MASK];
        if (op == Operation.REQUEST && inFlight > 1) {
            return () -> {
                List<CompletableFuture<?>> out = new ArrayList<>(inFlight);
                for (int i = 0; i < inFlight; i++) {
                    out.add(op.invokeAsync(s.store, s.input(op, index.getAsInt(), null, null)).toCompletableFuture());
                }
                out.forEach(CompletableFuture::join);
            };
        }
        if (op == Operation.INVALIDATE) {
            return () -> {
                Session created = Operation.CREATE.invoke(s.store, s.input(Operation.CREATE, index.getAsInt(), null, null));
                op.invoke(s.store, Operation.Input.session(created.id()));
            };
        }
        return () -> op.invoke(s.store, s.input(op, index.getAsInt(), "w", "cnt_warmup"));
    }
}
