package io.sessionbench.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.report.BenchRecord;
import io.sessionbench.report.Stats;
import io.sessionbench.report.SummaryRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * One run of the history, compact: the commit, branch and date, the environment and its fingerprint (a change of
 * environment starts a segment of its own), and per benchmark the forks' values (successful calls per second, each
 * the median of its fork's iterations), their geometric mean with a 95 % interval and the resolution between two such
 * runs, P50/P99/P99.9, failed calls and lost updates (counted before speed), and the merged latency histogram in
 * HdrHistogram's compressed encoding (base64), which a retention rule may drop from old runs.
 */
public record HistoryRecord(int format, String id, String commit, String branch, String date, String resultsVersion,
                            Map<String, String> environment, String fingerprint, List<Bench> benchmarks) {
    /** The record format this build writes and reads. */
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One benchmark of a run. */
    public record Bench(String key, double[] forks, double value, double low, double high, double resolutionPercent, double p50,
                        double p99, double p999, double failedCalls, double lostUpdates, String histogram) {
        /** The merged histogram, or null when the retention rule dropped it. */
        public Histogram decodeHistogram() {
            if (histogram == null || histogram.isEmpty()) {
                return null;
            }
            try {
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(histogram)), 0);
            } catch (java.util.zip.DataFormatException | RuntimeException e) {
                throw new ConfigException("a histogram of " + key + " cannot be decoded (" + e.getMessage() + "); the history file is corrupt");
            }
        }

        Bench withoutHistogram() {
            return new Bench(key, forks, value, low, high, resolutionPercent, p50, p99, p999, failedCalls, lostUpdates, null);
        }
    }

    /** The record of the bench results folder {@code run}; one line naming it when it is not one. */
    public static HistoryRecord of(Path run, String commit, String branch) {
        Path jmh = run.resolve("jmh.json");
        Path envFile = run.resolve("env.json");
        if (!Files.isDirectory(run) || !Files.exists(jmh) || !Files.exists(envFile)) {
            throw new ConfigException(run + " is not a sessionbench run (no jmh.json and env.json in it); give a folder written by 'bench'");
        }
        JsonNode env;
        try {
            env = JSON.readTree(envFile.toFile());
        } catch (IOException e) {
            throw new ConfigException(envFile + " cannot be read (" + e.getMessage() + "); give a folder written by 'bench'");
        }
        String version = env.path("run").path("resultsVersion").asText("1");
        if (!version.equals(io.sessionbench.report.Environment.RESULTS_VERSION)) {
            throw new ConfigException(run + " was written by another version of sessionbench (results version " + version + ", this build "
                    + "reads " + io.sessionbench.report.Environment.RESULTS_VERSION + "); add it with the build that wrote it");
        }
        List<SummaryRow> rows = io.sessionbench.report.ReportWriter.summaryRows(run);
        List<Bench> benches = new ArrayList<>();
        for (SummaryRow r : rows) {
            benches.add(bench(r));
        }
        Map<String, String> environment = environment(env);
        String date = env.path("run").path("started").asText(run.getFileName().toString());
        return new HistoryRecord(FORMAT, run.getFileName().toString(), commit, branch, date, version, environment, fingerprint(environment),
                benches);
    }

    static Bench bench(SummaryRow r) {
        List<double[]> forks = r.record().primary().forks();
        double[] values = forks.stream().filter(f -> f.length > 0).mapToDouble(Stats::median).filter(v -> v > 0).toArray();
        double[] logs = java.util.Arrays.stream(values).map(Math::log).toArray();
        double mean = java.util.Arrays.stream(logs).average().orElse(Double.NaN);
        double low = Double.NaN;
        double high = Double.NaN;
        double resolution = Double.NaN;
        if (logs.length >= 2) {
            double sd = Math.sqrt(ChangePoints.variance(logs));
            TDistribution t = new TDistribution(logs.length - 1);
            double se = sd / Math.sqrt(logs.length);
            double q = t.inverseCumulativeProbability(0.975);
            low = Math.exp(mean - q * se);
            high = Math.exp(mean + q * se);
            resolution = 100 * Math.expm1((q + t.inverseCumulativeProbability(0.8)) * se * Math.sqrt(2));
        }
        String histogram = null;
        Histogram h = r.latency();
        if (h != null && h.getTotalCount() > 0) {
            ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int n = h.encodeIntoCompressedByteBuffer(b);
            histogram = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b.array(), n));
        }
        return new Bench(r.record().key(), values, Math.exp(mean), low, high, resolution, r.percentileMicros(50), r.percentileMicros(99),
                r.percentileMicros(99.9), r.errors(), r.lostUpdates(), histogram);
    }

    /**
     * What a figure's meaning rests on: CPU, cores, memory, JVM, each server's kind and version, where the servers ran,
     * the profile, whether client and servers were pinned to separate cores.
     */
    static Map<String, String> environment(JsonNode env) {
        Map<String, String> m = new TreeMap<>();
        m.put("cpu", env.path("machine").path("cpu").asText());
        m.put("cores", env.path("machine").path("cores").asText());
        m.put("memory", env.path("machine").path("memory").asText());
        m.put("jvm", env.path("jvm").path("version").asText());
        List<String> servers = new ArrayList<>();
        env.path("servers").forEach(s -> servers.add(s.path("server").asText() + " " + s.path("version").asText()));
        m.put("servers", String.join(", ", servers));
        String network = env.path("run").path("network").asText("");
        m.put("network", network.contains(";") ? network.substring(0, network.indexOf(';')) : network);
        m.put("profile", env.path("run").path("profile").asText());
        // "servers pinned to core 1, clients … to core(s) 0" when bench --pin ran; "not pinned: …" otherwise
        m.put("pinned", io.sessionbench.calibrate.Pinning.pinned(env.path("run").path("pinning").asText("")) ? "yes" : "no");
        return m;
    }

    static String fingerprint(Map<String, String> environment) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] h = d.digest(environment.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This record without the histograms (what the retention rule keeps of an old run). */
    public HistoryRecord withoutHistograms() {
        return new HistoryRecord(format, id, commit, branch, date, resultsVersion, environment, fingerprint,
                benchmarks.stream().map(Bench::withoutHistogram).toList());
    }

    public boolean hasHistograms() {
        return benchmarks.stream().anyMatch(b -> b.histogram() != null);
    }

    public ObjectNode json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", format).put("id", id).put("commit", commit).put("branch", branch).put("date", date).put("resultsVersion", resultsVersion)
                .put("fingerprint", fingerprint);
        ObjectNode e = o.putObject("environment");
        environment.forEach(e::put);
        ArrayNode a = o.putArray("benchmarks");
        for (Bench b : benchmarks) {
            ObjectNode n = a.addObject();
            n.put("key", b.key());
            ArrayNode f = n.putArray("forks");
            for (double v : b.forks()) {
                f.add(Math.round(v * 10) / 10.0);
            }
            num(n, "value", b.value());
            num(n, "low", b.low());
            num(n, "high", b.high());
            num(n, "resolutionPercent", b.resolutionPercent());
            num(n, "p50", b.p50());
            num(n, "p99", b.p99());
            num(n, "p999", b.p999());
            n.put("failedCalls", b.failedCalls()).put("lostUpdates", b.lostUpdates());
            if (b.histogram() != null) {
                n.put("histogram", b.histogram());
            }
        }
        return o;
    }

    private static void num(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }

    private static double num(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** Reads a record file; one line naming it when it is not one. */
    public static HistoryRecord read(Path file) {
        JsonNode o;
        try {
            o = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file + " is not a history record (" + firstLine(e.getMessage()) + "); remove it or restore it from the branch");
        }
        if (o == null || o.path("format").asInt(-1) != FORMAT || !o.path("benchmarks").isArray() || o.path("id").asText("").isEmpty()) {
            throw new ConfigException(file + " is not a history record of format " + FORMAT + "; remove it or restore it from the branch");
        }
        Map<String, String> env = new LinkedHashMap<>();
        o.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        List<Bench> benches = new ArrayList<>();
        for (JsonNode n : o.path("benchmarks")) {
            List<Double> forks = new ArrayList<>();
            n.path("forks").forEach(f -> forks.add(f.asDouble()));
            benches.add(new Bench(n.path("key").asText(), forks.stream().mapToDouble(Double::doubleValue).toArray(), num(n, "value"),
                    num(n, "low"), num(n, "high"), num(n, "resolutionPercent"), num(n, "p50"), num(n, "p99"), num(n, "p999"),
                    n.path("failedCalls").asDouble(), n.path("lostUpdates").asDouble(), n.hasNonNull("histogram") ? n.path("histogram").asText() : null));
        }
        return new HistoryRecord(FORMAT, o.path("id").asText(), o.path("commit").asText(), o.path("branch").asText(), o.path("date").asText(),
                o.path("resultsVersion").asText(), env, o.path("fingerprint").asText(), benches);
    }

    static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
