package io.sessionbench.loadgen;

import java.util.List;
import java.util.Map;

/**
 * One open-loop run as written to {@code loadgen.json}: the conditions, the rates, the outcome counts (successes,
 * misses per operation, errors per operation and type, scheduled requests never started), lost updates, and both
 * latency views (µs; {@code corrected} covers every scheduled request, {@code operations} the successes of each).
 * {@code incomplete} names what went wrong around the measurement (a cleanup that failed), null when nothing did.
 */
public record LoadRun(String scenario, String target, String arrivals, int connections, double durationSeconds,
                      double intendedRate, double achievedRate, long scheduled, long ok, Map<String, Long> misses,
                      long notStarted, double latePercent, boolean sustained, boolean interrupted, boolean meetsObjective,
                      double objectiveP99Micros, Map<String, Long> errors, LostUpdates lostUpdates, String updates,
                      Percentiles corrected, Percentiles uncorrected, Map<String, Percentiles> operations,
                      List<double[]> timeline, String hlog, String incomplete, FaultRun faults) {

    public LoadRun(String scenario, String target, String arrivals, int connections, double durationSeconds,
                   double intendedRate, double achievedRate, long scheduled, long ok, Map<String, Long> misses,
                   long notStarted, double latePercent, boolean sustained, boolean interrupted, boolean meetsObjective,
                   double objectiveP99Micros, Map<String, Long> errors, LostUpdates lostUpdates, String updates,
                   Percentiles corrected, Percentiles uncorrected, Map<String, Percentiles> operations,
                   List<double[]> timeline, String hlog, String incomplete) {
        this(scenario, target, arrivals, connections, durationSeconds, intendedRate, achievedRate, scheduled, ok, misses, notStarted,
                latePercent, sustained, interrupted, meetsObjective, objectiveP99Micros, errors, lostUpdates, updates, corrected,
                uncorrected, operations, timeline, hlog, incomplete, null);
    }

    /** This run with what its faults did. */
    public LoadRun withFaults(FaultRun f) {
        return new LoadRun(scenario, target, arrivals, connections, durationSeconds, intendedRate, achievedRate, scheduled, ok,
                misses, notStarted, latePercent, sustained, interrupted, meetsObjective, objectiveP99Micros, errors, lostUpdates,
                updates, corrected, uncorrected, operations, timeline, hlog, incomplete, f);
    }

    /** Exact lost updates of the increment operation; {@code sessionsGone}: written sessions that expired or were evicted. */
    public record LostUpdates(long lost, long acknowledged, long sessionsGone) {
        public static final LostUpdates NONE = new LostUpdates(0, 0, 0);
    }

    /** Latency summary of one histogram, microseconds. */
    public record Percentiles(long count, double p50, double p90, double p99, double p999, double max) {
        public static Percentiles of(org.HdrHistogram.Histogram h) {
            if (h == null || h.getTotalCount() == 0) {
                return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Percentiles(h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
        }
    }

    /** This run, marked incomplete for {@code why} (added to any earlier reason). */
    public LoadRun withIncomplete(String why) {
        String all = incomplete == null ? why : incomplete + "; " + why;
        return new LoadRun(scenario, target, arrivals, connections, durationSeconds, intendedRate, achievedRate, scheduled, ok,
                misses, notStarted, latePercent, sustained, interrupted, meetsObjective, objectiveP99Micros, errors, lostUpdates,
                updates, corrected, uncorrected, operations, timeline, hlog, all, faults);
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public long missCount() {
        return misses.values().stream().mapToLong(Long::longValue).sum();
    }
}
