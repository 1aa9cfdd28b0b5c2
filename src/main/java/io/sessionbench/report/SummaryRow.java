package io.sessionbench.report;

import org.HdrHistogram.Histogram;

/**
 * One benchmark × parameter set as the report shows it: JMH's throughput with its error, percentiles from the
 * merged HdrHistogram of all measurement iterations and forks (null when no histogram was recorded), and counts.
 */
public record SummaryRow(BenchRecord record, Histogram latency, double misses, double errors, double lostUpdates) {

    public double percentileMicros(double p) {
        return latency == null || latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(p) / 1000.0;
    }

    public double maxMicros() {
        return latency == null || latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
    }

    public long samples() {
        return latency == null ? 0 : latency.getTotalCount();
    }
}
