package io.sessionbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionbench.metrics.RunKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One entry of a JMH JSON result file: benchmark, mode, parameters, primary and secondary metrics. */
public record BenchRecord(String benchmark, String mode, int threads, int forks, Map<String, String> params,
                          Metric primary, Map<String, Metric> secondary, double iterationSeconds) {

    /**
     * A score with JMH's error (99.9 % half-width, NaN when JMH could not compute one), unit, and the per-iteration
     * values of every fork ({@code rawData}), from which {@link #stats()} gives a dispersion that fits the sample count.
     */
    public record Metric(double score, double error, String unit, double[] raw, List<double[]> forks) {
        public Stats.Summary stats() {
            return Stats.summary(raw);
        }

        /** The forks' iterations as one side of a judgement ({@link Judge.Sample}). */
        public Judge.Sample sample() {
            return Judge.Sample.of(forks.stream().map(Judge.Sample::fork).toList());
        }
    }

    public static List<BenchRecord> read(Path jmhJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(jmhJson.toFile());
        } catch (IOException e) {
            throw new io.sessionbench.infra.ConfigException("cannot read JMH results " + jmhJson + ": " + e.getMessage()
                    + "; give a results folder or a file written with -rf json");
        }
        if (root == null || !root.isArray()) {
            throw new io.sessionbench.infra.ConfigException(jmhJson + " is not a JMH JSON result array; write one with -rf json");
        }
        List<BenchRecord> out = new ArrayList<>();
        for (JsonNode n : root) {
            Map<String, String> params = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> ps = n.path("params").fields();
            while (ps.hasNext()) {
                Map.Entry<String, JsonNode> e = ps.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            Map<String, Metric> sec = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> ss = n.path("secondaryMetrics").fields();
            while (ss.hasNext()) {
                Map.Entry<String, JsonNode> e = ss.next();
                sec.put(e.getKey(), metric(e.getValue()));
            }
            // The throughput is successful calls per second (the 'ok' counter) where the run has it; JMH's primary
            // score counts every invocation, failed ones included, and is kept as 'invocations'.
            Metric primary = metric(n.path("primaryMetric"));
            Metric ok = sec.remove("ok");
            if (ok != null) {
                sec.put("invocations", primary);
                primary = ok;
            }
            out.add(new BenchRecord(n.path("benchmark").asText(), n.path("mode").asText(), n.path("threads").asInt(1),
                    n.path("forks").asInt(0), params, primary, sec, seconds(n.path("measurementTime").asText(""))));
        }
        return out;
    }

    /** JMH's {@code "1 s"}, {@code "500 ms"}: seconds, NaN when absent or unknown. */
    static double seconds(String time) {
        String[] p = time.trim().split("\\s+");
        if (p.length != 2) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(p[0]);
            return switch (p[1]) {
                case "s" -> v;
                case "ms" -> v / 1e3;
                case "us" -> v / 1e6;
                case "min" -> v * 60;
                default -> Double.NaN;
            };
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Metric metric(JsonNode m) {
        double error = m.path("scoreError").isNumber() ? m.path("scoreError").asDouble() : Double.NaN;
        List<Double> raw = new ArrayList<>();
        List<double[]> forks = new ArrayList<>();
        for (JsonNode fork : m.path("rawData")) {
            List<Double> f = new ArrayList<>();
            for (JsonNode v : fork) {
                f.add(v.asDouble(Double.NaN));
            }
            raw.addAll(f);
            forks.add(f.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return new Metric(m.path("score").asDouble(Double.NaN), error, m.path("scoreUnit").asText(""),
                raw.stream().mapToDouble(Double::doubleValue).toArray(), forks);
    }

    /** The method name, e.g. {@code request}. */
    public String operation() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    public String layout() {
        return params.getOrDefault("layout", "?");
    }

    /** The layout and Redis client this row ran against, from its {@code layout} and {@code client} parameters. */
    public io.sessionbench.store.Target store() {
        return io.sessionbench.store.Target.of(layout(), params.get("client"));
    }

    /**
     * Layout plus client where the client matters, e.g. {@code redis-hash/jedis}, {@code postgres}; then the
     * requests in flight per thread when more than one, and {@code naive} for unprotected read-modify-write updates.
     */
    public String target() {
        StringBuilder t = new StringBuilder(store().label());
        if (inFlight() > 1) {
            t.append(" ×").append(inFlight()).append(" in flight");
        }
        if ("naive".equals(params.get("updates"))) {
            t.append(" naive");
        }
        return t.toString();
    }

    /**
     * What a person calls this benchmark: {@code request redis-hash/lettuce 2KB t1}, plus the key distribution and
     * the Redis key design and the live sessions when not the defaults ({@code zipfian}, {@code user keys},
     * {@code on 2 sessions}).
     */
    public String shortName() {
        StringBuilder s = new StringBuilder(operation()).append(' ').append(target());
        String bytes = params.get("sessionBytes");
        if (bytes != null) {
            long b = Long.parseLong(bytes);
            s.append(' ').append(b >= 1 << 20 && b % (1 << 20) == 0 ? b / (1 << 20) + "MB"
                    : b >= 1024 && b % 1024 == 0 ? b / 1024 + "KB" : b + "B");
        }
        s.append(" t").append(threads);
        String dist = params.get("distribution");
        if (dist != null && !dist.equals("uniform")) {
            s.append(' ').append(dist);
        }
        String keys = params.get("keys");
        if (keys != null && !keys.equals("session")) {
            s.append(' ').append(keys).append(" keys");
        }
        String live = params.get("liveSessions");
        if (live != null && !live.equals("10000")) {
            s.append(" on ").append(live).append(" sessions");
        }
        return s.toString();
    }

    /**
     * A metric of this record as one side of a judgement: its forks, iterations disturbed from outside left out, a
     * fork mostly disturbed dropped ({@link Judge#undisturbed}).
     */
    public Judge.Sample undisturbed(Metric m) {
        List<List<List<String>>> d = disturbedPerFork();
        List<Judge.Sample> kept = new ArrayList<>();
        for (int f = 0; f < m.forks().size(); f++) {
            double[] k = Judge.undisturbed(m.forks().get(f), f < d.size() ? d.get(f) : List.of());
            if (k != null) {
                kept.add(Judge.Sample.fork(k));
            }
        }
        return Judge.Sample.of(kept);
    }

    /** Per measurement iteration of every fork, what disturbed it (empty when nothing); see {@link Disturbance}. */
    public List<List<String>> disturbedIterations() {
        return Disturbance.perIteration(this);
    }

    /** {@link #disturbedIterations()} cut into forks. */
    public List<List<List<String>>> disturbedPerFork() {
        return Disturbance.perFork(this);
    }

    /** Requests in flight per benchmark thread ({@code 1} when the benchmark has no such parameter). */
    public int inFlight() {
        return Integer.parseInt(params.getOrDefault("inFlight", "1"));
    }

    /** Identity across runs: benchmark, parameters and thread count. */
    public String key() {
        return RunKey.fileName(benchmark, params, threads);
    }

    /** The {@code .hlog} name: every parameter and the thread count, so no two runs share a file. */
    public String histogramName() {
        return key();
    }

    public boolean higherIsBetter() {
        return "thrpt".equals(mode);
    }

    public static Path jmhFile(Path folderOrFile) {
        return Files.isDirectory(folderOrFile) ? folderOrFile.resolve("jmh.json") : folderOrFile;
    }
}
