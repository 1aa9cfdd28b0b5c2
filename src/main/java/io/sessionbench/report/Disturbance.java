package io.sessionbench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * What disturbed a measurement iteration, from the noise probe's per-iteration metrics: CPU steal above 5 %, other
 * processes above 10 % of the machine, JIT compilation above 10 % of the iteration (at least 50 ms), GC above 5 % of
 * it (at least 25 ms). One set of limits for the
 * report's circles and for the judgements, which leave out iterations disturbed from outside ({@link #EXTERNAL}).
 *
 * <p>Results recorded before the probe kept interrupt time apart ({@code noise.irqCpu} absent) counted the loopback
 * traffic's softirq time, and without {@code sessionbench.serverPids} the server's CPU, as "other": a constant 15–30 %
 * on this machine, which marked every iteration. For them "other processes" means 10 points above that record's own
 * median instead.
 */
final class Disturbance {
    /**
     * Causes from outside the measured JVM and its server. Only these take an iteration out of a judgement: JIT and GC
     * are the measured code's own work (a change that makes more of it is a real change), so they are shown, not
     * removed.
     */
    static final java.util.Set<String> EXTERNAL = java.util.Set.of("steal", "other processes");

    static final double STEAL_PERCENT = 5;
    static final double OTHER_CPU_PERCENT = 10;
    static final double JIT_MS = 50;
    static final double GC_MS = 25;
    static final double JIT_SHARE = 0.10;
    static final double GC_SHARE = 0.05;

    private Disturbance() {
    }

    /** Per measurement iteration of every fork in JMH's order, the causes that disturbed it (empty when none). */
    static List<List<String>> perIteration(BenchRecord r) {
        double[] steal = raw(r, "noise.steal");
        double[] other = raw(r, "noise.otherCpu");
        double otherBase = r.secondary().containsKey("noise.irqCpu") ? 0 : Math.max(0, Stats.median(other));
        double[] jit = raw(r, "noise.jitMs");
        double[] gc = raw(r, "noise.gcMs");
        double ms = Double.isNaN(r.iterationSeconds()) ? 0 : 1000 * r.iterationSeconds();
        double jitLimit = Math.max(JIT_MS, JIT_SHARE * ms);
        double gcLimit = Math.max(GC_MS, GC_SHARE * ms);
        int n = Math.max(Math.max(steal.length, other.length), Math.max(jit.length, gc.length));
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> causes = new ArrayList<>();
            if (i < steal.length && steal[i] > STEAL_PERCENT) {
                causes.add("steal");
            }
            if (i < other.length && other[i] > otherBase + OTHER_CPU_PERCENT) {
                causes.add("other processes");
            }
            if (i < jit.length && jit[i] > jitLimit) {
                causes.add("JIT");
            }
            if (i < gc.length && gc[i] > gcLimit) {
                causes.add("GC");
            }
            out.add(causes);
        }
        return out;
    }

    /** {@link #perIteration} cut into forks by the primary metric's fork sizes. */
    static List<List<List<String>>> perFork(BenchRecord r) {
        List<List<String>> flat = perIteration(r);
        List<List<List<String>>> out = new ArrayList<>();
        int at = 0;
        for (double[] fork : r.primary().forks()) {
            int end = Math.min(flat.size(), at + fork.length);
            out.add(at < end ? flat.subList(at, end) : List.of());
            at += fork.length;
        }
        return out;
    }

    private static double[] raw(BenchRecord r, String metric) {
        BenchRecord.Metric m = r.secondary().get(metric);
        return m == null ? new double[0] : m.raw();
    }
}
