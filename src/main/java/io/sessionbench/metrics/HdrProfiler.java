package io.sessionbench.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
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
 * HdrHistogram of successful calls into secondary metrics ({@code p50 … p99.9, max} in µs, per iteration in JMH's
 * raw data), records what disturbed the iteration ({@code noise.*}, see {@link NoiseProbe}), and appends every
 * histogram of the iteration (successes, misses, errors by type) to
 * {@code <dir>/<benchmark>_<params>_t<threads>.hlog}; warm-up intervals are discarded. The folder is the system
 * property {@code sessionbench.histograms} (default {@code target/histograms}).
 */
public final class HdrProfiler implements InternalProfiler {
    static final double[] PERCENTILES = {50, 90, 95, 99, 99.9};
    private NoiseProbe noise;
    private int iteration;
    /** Redis's own view, for the Redis layouts; opened on first use. */
    private RedisServerView redis;
    private boolean redisTried;

    @Override
    public String getDescription() {
        return "HdrHistogram latency percentiles, .hlog interval logs and per-iteration noise of sessionbench operations";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        Latencies.closedLoop().reset();
        if (noise == null) {
            String server = null;
            if (benchmarkParams.getParamsKeys().contains("layout")) {
                try {
                    server = io.sessionbench.store.Layout.of(benchmarkParams.getParam("layout")).server()
                            .map(Enum::name).orElse(null);
                } catch (RuntimeException unknownLayout) {
                    // the benchmark's own setup reports it
                }
            }
            noise = new NoiseProbe(server);
        }
        noise.begin();
        if (!redisTried && benchmarkParams.getParamsKeys().contains("layout")
                && io.sessionbench.store.Layout.find(benchmarkParams.getParam("layout")).map(io.sessionbench.store.Layout::usesRedisClient).orElse(false)) {
            redisTried = true;
            redis = RedisServerView.open();
        }
        if (redis != null) {
            redis.begin();
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams bp, IterationParams ip, IterationResult ir) {
        Map<String, Double> disturbance = noise.end();
        Map<String, Double> server = redis == null ? Map.of() : redis.end();
        List<Histogram> intervals = Latencies.closedLoop().intervals();
        if (ip.getType() != IterationType.MEASUREMENT || intervals.isEmpty()) {
            return List.of();
        }
        Path log = logFile(bp);
        HistogramFiles.append(log, intervals);
        iteration++;
        if (!noise.topOther().isEmpty()) {
            appendLine(log.resolveSibling(log.getFileName().toString().replace(".hlog", ".others.txt")),
                    "iteration " + iteration + ": " + noise.topOther());
        }
        List<Result> out = new ArrayList<>();
        String op = bp.getBenchmark().substring(bp.getBenchmark().lastIndexOf('.') + 1);
        for (Histogram h : intervals) {
            if (op.equals(h.getTag())) {
                for (double p : PERCENTILES) {
                    out.add(new ScalarResult(label(p), h.getValueAtPercentile(p) / 1000.0, "us", AggregationPolicy.AVG));
                }
                out.add(new ScalarResult("max", h.getMaxValue() / 1000.0, "us", AggregationPolicy.MAX));
            }
        }
        disturbance.forEach((k, v) -> {
            if (!v.isNaN()) {
                out.add(new ScalarResult("noise." + k, v, unit(k), AggregationPolicy.AVG));
            }
        });
        server.forEach((k, v) -> out.add(new ScalarResult("redis." + k, v, unit(k), AggregationPolicy.AVG)));
        return out;
    }

    private static String unit(String noiseKey) {
        return switch (noiseKey) {
            case "steal", "otherCpu", "irqCpu" -> "%";
            case "clientCpu", "serverCpu" -> "cores";
            case "calls" -> "#";
            case "usPerCall", "canaryUs" -> "us";
            default -> "ms";
        };
    }

    /** One line per measurement iteration in which another process took at least 5 % of a core: its name and share. */
    private static void appendLine(Path file, String line) {
        try {
            java.nio.file.Files.writeString(file, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String label(double p) {
        return "p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p));
    }

    /** {@code <dir>/<ShortClass.method>_<k=v>…_t<threads>.hlog}, with parameters sorted by name. */
    public static Path logFile(BenchmarkParams bp) {
        Map<String, String> params = new TreeMap<>();
        for (String k : bp.getParamsKeys()) {
            params.put(k, bp.getParam(k));
        }
        String dir = System.getProperty("sessionbench.histograms", "target/histograms");
        return Path.of(dir, RunKey.fileName(bp.getBenchmark(), params, bp.getThreads()) + ".hlog");
    }
}
