package io.sessionbench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One benchmark × parameter set as the report shows it: the throughput of successful calls with a dispersion that
 * fits its per-iteration samples, percentiles from the merged HdrHistogram of all measurement iterations and forks
 * (null when no histogram was recorded), counts summed over iterations, and what disturbed the iterations.
 */
public record SummaryRow(BenchRecord record, Histogram latency, double misses, double errors, double lostUpdates,
                         List<String> otherProcesses) {
    public Stats.Summary throughput() {
        return record.primary().stats();
    }

    public double percentileMicros(double p) {
        return latency == null || latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(p) / 1000.0;
    }

    public double maxMicros() {
        return latency == null || latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
    }

    public long samples() {
        return latency == null ? 0 : latency.getTotalCount();
    }

    /** The per-iteration values of a secondary metric ({@code noise.jitMs}, {@code redis.usPerCall}…), empty when absent. */
    private double[] perIteration(String metric) {
        BenchRecord.Metric m = record.secondary().get(metric);
        return m == null ? new double[0] : m.raw();
    }

    /** Per measurement iteration, the causes that disturbed it (empty list when none), in JMH's iteration order. */
    public List<List<String>> disturbedIterations() {
        return record.disturbedIterations();
    }

    /** {@code 2/6 (JIT)}: disturbed iterations of all, with their causes; {@code –} when nothing was recorded. */
    public String disturbance() {
        List<List<String>> it = disturbedIterations();
        if (it.isEmpty()) {
            return "–";
        }
        long bad = it.stream().filter(c -> !c.isEmpty()).count();
        java.util.Set<String> causes = new java.util.TreeSet<>();
        it.forEach(causes::addAll);
        String names = otherProcesses.isEmpty() ? "" : "; busiest other: " + String.join(", ", otherProcesses);
        return bad + "/" + it.size() + (causes.isEmpty() ? "" : " (" + String.join(", ", causes) + names + ")");
    }

    /** Median of the fixed loop's time around each iteration, µs (higher: a slower machine); NaN when not recorded. */
    public double canaryMicros() {
        return Stats.median(perIteration("noise.canaryUs"));
    }

    /** Median µs per command in Redis's own accounting ({@code INFO commandstats}); NaN off Redis. */
    public double redisMicrosPerCall() {
        return Stats.median(perIteration("redis.usPerCall"));
    }

    /** {@code 1.1/0.6 client}: median cores used by the benchmark JVM and the servers, and the busier side. */
    public String cpu() {
        double client = Stats.median(perIteration("noise.clientCpu"));
        double server = Stats.median(perIteration("noise.serverCpu"));
        if (Double.isNaN(client)) {
            return "–";
        }
        if (Double.isNaN(server)) {
            return String.format(Locale.ROOT, "%.2f/– client", client);
        }
        return String.format(Locale.ROOT, "%.2f/%.2f %s", client, server, client >= server ? "client" : "server");
    }
}
