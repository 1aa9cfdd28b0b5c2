package io.sessionbench.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

/**
 * A JMH profiler ({@code -prof io.sessionbench.metrics.HdrProfiler}) that turns each measurement iteration's
 * HdrHistogram into secondary metrics ({@code p50 … p99.9, max} in µs, JMH averages them over iterations and forks)
 * and appends the interval to {@code <dir>/<benchmark>_<params>.hlog}; warm-up intervals are discarded.
 * The folder is the system property {@code sessionbench.histograms} (default {@code target/histograms}).
 */
public final class HdrProfiler implements InternalProfiler {
    static final double[] PERCENTILES = {50, 90, 95, 99, 99.9};

    @Override
    public String getDescription() {
        return "HdrHistogram latency percentiles and .hlog interval logs of sessionbench operations";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        Latencies.all().values().forEach(Recorder::reset);
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams bp, IterationParams ip, IterationResult ir) {
        Map<String, Histogram> intervals = new TreeMap<>();
        Latencies.all().forEach((op, rec) -> {
            Histogram h = rec.getIntervalHistogram();
            if (h.getTotalCount() > 0) {
                h.setTag(op);
                intervals.put(op, h);
            }
        });
        if (ip.getType() != IterationType.MEASUREMENT || intervals.isEmpty()) {
            return List.of();
        }
        HistogramFiles.append(logFile(bp), new ArrayList<>(intervals.values()));
        List<Result> out = new ArrayList<>();
        boolean single = intervals.size() == 1;
        intervals.forEach((op, h) -> {
            String prefix = single ? "" : op + ".";
            for (double p : PERCENTILES) {
                out.add(new ScalarResult(prefix + label(p), h.getValueAtPercentile(p) / 1000.0, "us", AggregationPolicy.AVG));
            }
            out.add(new ScalarResult(prefix + "max", h.getMaxValue() / 1000.0, "us", AggregationPolicy.MAX));
        });
        return out;
    }

    static String label(double p) {
        return "p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p));
    }

    /** {@code <dir>/<ShortClass.method>_<k=v>_<k=v>.hlog}, with parameters sorted by name. */
    public static Path logFile(BenchmarkParams bp) {
        Map<String, String> params = new TreeMap<>();
        for (String k : bp.getParamsKeys()) {
            params.put(k, bp.getParam(k));
        }
        String dir = System.getProperty("sessionbench.histograms", "target/histograms");
        return Path.of(dir, RunKey.fileName(bp.getBenchmark(), params) + ".hlog");
    }
}
