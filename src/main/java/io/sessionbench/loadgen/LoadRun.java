package io.sessionbench.loadgen;

import java.util.List;
import java.util.Map;

/** One open-loop run as written to {@code loadgen.json}: the conditions, the rates, and both latency views (µs). */
public record LoadRun(String scenario, String target, String arrivals, int connections, double durationSeconds,
                      double intendedRate, double achievedRate, long scheduled, long completed, long backlog,
                      double latePercent, boolean sustained, boolean interrupted, boolean meetsObjective,
                      double objectiveP99Micros, Map<String, Long> errors, long lostUpdates, String updates,
                      Percentiles corrected, Percentiles uncorrected, Map<String, Percentiles> operations,
                      List<double[]> timeline, String hlog) {

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

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}
