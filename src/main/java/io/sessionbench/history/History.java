package io.sessionbench.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A history folder: {@code history.json} (format, branch) and {@code runs/ID.json}, one {@link HistoryRecord} per run,
 * in CI the {@code gh-pages} branch. {@link #add} appends a run (the same run twice is said and ignored); {@link #changes}
 * finds the change points of every benchmark and metric; {@link #retain} keeps the histograms of the newest runs and of
 * the runs either side of a change point, and the values of every run.
 */
public final class History {
    /** Otava's default significance: p below 0.001. */
    public static final double P_MAX = 0.001;
    /** Runs whose histograms are always kept. */
    public static final int KEEP_HISTOGRAMS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String branch;

    private History(Path dir, String branch) {
        this.dir = dir;
        this.branch = branch;
    }

    /** Opens {@code dir}, or creates it for {@code branch} when it does not exist; one line when it is not a history. */
    public static History open(Path dir, String branchForNew) {
        Path meta = dir.resolve("history.json");
        if (!Files.exists(meta)) {
            if (Files.exists(dir) && !isEmptyDir(dir)) {
                throw new ConfigException(dir + " is not a sessionbench history (no history.json) and not empty; give an empty or new folder");
            }
            return new History(dir, branchForNew);
        }
        JsonNode m;
        try {
            m = JSON.readTree(meta.toFile());
        } catch (IOException e) {
            throw new ConfigException(meta + " is corrupt (" + HistoryRecord.firstLine(e.getMessage()) + "); restore it from the branch");
        }
        if (m == null || m.path("format").asInt(-1) != HistoryRecord.FORMAT || m.path("branch").asText("").isEmpty()) {
            throw new ConfigException(meta + " is not a history file of format " + HistoryRecord.FORMAT + "; restore it from the branch");
        }
        return new History(dir, m.path("branch").asText());
    }

    /** Opens a history that must exist already; one line naming {@code dir} when it is none. */
    public static History existing(Path dir) {
        if (!Files.exists(dir.resolve("history.json"))) {
            throw new ConfigException(dir + " is not a sessionbench history (no history.json); add runs with 'history add RUN --to " + dir + "'");
        }
        return open(dir, "main");
    }

    private static boolean isEmptyDir(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    public String branch() {
        return branch;
    }

    /**
     * Adds {@code r}; returns what happened in one line. A run of another branch is refused (exit 2), one already in the
     * history is left as it is.
     */
    public String add(HistoryRecord r) throws IOException {
        if (!r.branch().equals(branch)) {
            throw new ConfigException("the history in " + dir + " is of branch '" + branch + "', the run " + r.id() + " of '" + r.branch()
                    + "'; give --branch " + branch + " or another history folder");
        }
        List<HistoryRecord> runs = runs(); // reads (and so checks) every record before anything is written
        Path file = dir.resolve("runs").resolve(r.id() + ".json");
        if (Files.exists(file) || runs.stream().anyMatch(x -> x.id().equals(r.id()))) {
            return "history: " + r.id() + " is already in " + dir + "; nothing written";
        }
        Files.createDirectories(file.getParent());
        if (!Files.exists(dir.resolve("history.json"))) {
            ObjectNode meta = JSON.createObjectNode().put("format", HistoryRecord.FORMAT).put("branch", branch);
            write(dir.resolve("history.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
        }
        write(file, JSON.writeValueAsString(r.json()));
        return String.format(Locale.ROOT, "history: added %s (commit %s, %d benchmarks, %,d bytes) to %s", r.id(), shortCommit(r.commit()),
                r.benchmarks().size(), Files.size(file), dir);
    }

    /** Writes through a temporary file and a move, so a reader never sees half a file. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String shortCommit(String c) {
        return c == null || c.length() < 8 ? String.valueOf(c) : c.substring(0, 8);
    }

    /** Every run, oldest first (by date, then id). */
    public List<HistoryRecord> runs() throws IOException {
        Path runs = dir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        List<HistoryRecord> out = new ArrayList<>();
        try (var files = Files.list(runs)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(HistoryRecord.read(f));
            }
        }
        out.sort(Comparator.comparing(HistoryRecord::date).thenComparing(HistoryRecord::id));
        return out;
    }

    /** The metrics a change point is looked for in: throughput, latency percentiles, and correctness counts. */
    public enum Metric {
        FAILED_CALLS("failed calls", true, HistoryRecord.Bench::failedCalls),
        LOST_UPDATES("lost updates", true, HistoryRecord.Bench::lostUpdates),
        THROUGHPUT("ok/s", false, HistoryRecord.Bench::value),
        P50("P50 µs", false, HistoryRecord.Bench::p50),
        P99("P99 µs", false, HistoryRecord.Bench::p99),
        P999("P99.9 µs", false, HistoryRecord.Bench::p999);

        public final String label;
        public final boolean correctness;
        final ToDoubleFunction<HistoryRecord.Bench> value;

        Metric(String label, boolean correctness, ToDoubleFunction<HistoryRecord.Bench> value) {
            this.label = label;
            this.correctness = correctness;
            this.value = value;
        }
    }

    /**
     * A change found in the history: a benchmark and metric, the last run before it and the first after, the means of
     * the two sides (speed) or the counts (correctness), and p; {@code environment} marks a segment boundary, never a
     * regression.
     */
    public record Change(String benchmark, Metric metric, HistoryRecord before, HistoryRecord after, double from, double to,
                         double relative, double p, boolean environment) {
        /**
         * {@code correctness}, {@code speed}, {@code environment}, or {@code machine}: a speed change point between two
         * runs of one build, which no code change made (the machine's own drift over hours; kept, never a regression).
         */
        public String kind() {
            return environment ? "environment" : metric.correctness ? "correctness" : sameBuild() ? "machine" : "speed";
        }

        /** Whether a speed change lies between two runs of one commit. */
        public boolean sameBuild() {
            return !environment && !metric.correctness && !before.commit().isEmpty() && before.commit().equals(after.commit());
        }

        /** A name that stays the same while runs are added: benchmark, metric and the first run after the change. */
        public String id() {
            return environment ? "environment|" + after.id() : benchmark + "|" + metric.name() + "|" + after.id();
        }

        public String describe() {
            if (environment) {
                return "environment changed between " + before.id() + " and " + after.id() + " (" + diff(before, after) + "): a new segment";
            }
            if (metric.correctness) {
                return String.format(Locale.ROOT, "%s: %s appeared (%.0f → %.0f) from %s (commit %s)", benchmark, metric.label, from, to, after.id(),
                        shortCommit(after.commit()));
            }
            return String.format(Locale.ROOT, "%s · %s: %+.1f %% (%.1f → %.1f, p %.1e) between %s (commit %s) and %s (commit %s)%s", benchmark,
                    metric.label, 100 * relative, from, to, p, before.id(), shortCommit(before.commit()), after.id(), shortCommit(after.commit()),
                    sameBuild() ? ": one build either side, so the machine drifted, not the code" : "");
        }
    }

    static String diff(HistoryRecord a, HistoryRecord b) {
        List<String> d = new ArrayList<>();
        a.environment().forEach((k, v) -> {
            String w = b.environment().get(k);
            if (!v.equals(w)) {
                d.add(k + " " + v + " → " + w);
            }
        });
        return String.join("; ", d);
    }

    /**
     * Every change of {@code runs}: environment boundaries; per segment of one environment, per benchmark and metric,
     * correctness counts going from none to some, and speed change points (E-divisive means with Student's t, p below
     * {@link #P_MAX}, at least the history's own resolution, {@link #resolution}). Correctness first, then speed changes between
     * builds, then the machine's (one build either side) and the environment's; the newest first within each.
     */
    public static List<Change> changes(List<HistoryRecord> runs) {
        List<Change> out = new ArrayList<>();
        List<List<HistoryRecord>> segments = new ArrayList<>();
        for (HistoryRecord r : runs) {
            if (segments.isEmpty() || !segments.get(segments.size() - 1).get(0).fingerprint().equals(r.fingerprint())) {
                if (!segments.isEmpty()) {
                    List<HistoryRecord> last = segments.get(segments.size() - 1);
                    out.add(new Change("", Metric.THROUGHPUT, last.get(last.size() - 1), r, Double.NaN, Double.NaN, Double.NaN, Double.NaN, true));
                }
                segments.add(new ArrayList<>());
            }
            segments.get(segments.size() - 1).add(r);
        }
        for (List<HistoryRecord> seg : segments) {
            for (String key : keys(seg)) {
                for (Metric m : Metric.values()) {
                    List<HistoryRecord> with = new ArrayList<>();
                    List<Double> values = new ArrayList<>();
                    for (HistoryRecord r : seg) {
                        for (HistoryRecord.Bench b : r.benchmarks()) {
                            double v = m.value.applyAsDouble(b);
                            if (b.key().equals(key) && !Double.isNaN(v)) {
                                with.add(r);
                                values.add(v);
                            }
                        }
                    }
                    if (m.correctness) {
                        for (int i = 1; i < values.size(); i++) {
                            if (values.get(i) > 0 && values.subList(0, i).stream().allMatch(v -> v == 0)) {
                                out.add(new Change(key, m, with.get(i - 1), with.get(i), values.get(i - 1), values.get(i), Double.NaN, 0, false));
                            }
                        }
                        continue;
                    }
                    double[] x = values.stream().mapToDouble(Double::doubleValue).toArray();
                    double minRelative = resolution(x);
                    for (ChangePoints.Point p : ChangePoints.find(x, P_MAX, minRelative)) {
                        out.add(new Change(key, m, with.get(p.index() - 1), with.get(p.index()), p.before(), p.after(), p.relative(), p.p(), false));
                    }
                }
            }
        }
        out.sort(Comparator.comparing((Change c) -> c.metric().correctness && !c.environment() ? 0 : c.kind().equals("speed") ? 1 : 2)
                .thenComparing((Change c) -> c.after().date(), Comparator.reverseOrder()));
        return out;
    }

    /** Runs either side of a change point that the history's resolution is stated for. */
    public static final int RESOLUTION_RUNS = 20;

    /**
     * The history's own resolution for a series: the smallest step between {@link #RESOLUTION_RUNS} runs either side
     * that Welch's t would find at p &lt; {@link #P_MAX} with 80 % power, at the series' run-to-run noise (the spread of
     * successive log differences, by their median absolute deviation, so a step does not inflate it). Relative.
     */
    static double resolution(double[] x) {
        if (x.length < 3) {
            return 0;
        }
        double[] d = new double[x.length - 1];
        for (int i = 1; i < x.length; i++) {
            d[i - 1] = Math.log(x[i] / x[i - 1]);
        }
        double med = io.sessionbench.report.Stats.median(d);
        double[] dev = java.util.Arrays.stream(d).map(v -> Math.abs(v - med)).toArray();
        double sd = io.sessionbench.report.Stats.median(dev) / 0.6745 / Math.sqrt(2);
        org.apache.commons.math3.distribution.NormalDistribution z = new org.apache.commons.math3.distribution.NormalDistribution();
        double q = z.inverseCumulativeProbability(1 - P_MAX / 2) + z.inverseCumulativeProbability(0.8);
        return Double.isNaN(sd) ? 0 : Math.expm1(q * sd * Math.sqrt(2.0 / RESOLUTION_RUNS));
    }

    /** Benchmark keys in the order first seen. */
    static List<String> keys(List<HistoryRecord> runs) {
        Map<String, Boolean> k = new LinkedHashMap<>();
        runs.forEach(r -> r.benchmarks().forEach(b -> k.put(b.key(), true)));
        return new ArrayList<>(k.keySet());
    }

    /**
     * Keeps the histograms of the newest {@code keep} runs and of the runs either side of a change point; drops the rest
     * (their values stay). Returns how many records were rewritten.
     */
    public int retain(int keep) throws IOException {
        List<HistoryRecord> runs = runs();
        java.util.Set<String> needed = new java.util.HashSet<>();
        for (int i = Math.max(0, runs.size() - keep); i < runs.size(); i++) {
            needed.add(runs.get(i).id());
        }
        for (Change c : changes(runs)) {
            needed.add(c.before().id());
            needed.add(c.after().id());
        }
        int n = 0;
        for (HistoryRecord r : runs) {
            if (!needed.contains(r.id()) && r.hasHistograms()) {
                write(dir.resolve("runs").resolve(r.id() + ".json"), JSON.writeValueAsString(r.withoutHistograms().json()));
                n++;
            }
        }
        return n;
    }

    /**
     * The gate's name ({@code [op:]layout[/client]}) of a history benchmark key, when the gate runs that benchmark: its
     * operation at 2 KB, one thread, uniform keys, 10,000 sessions, safe updates, one call in flight.
     */
    public static java.util.Optional<String> gateBenchmark(String key) {
        String[] parts = key.split("_");
        if (parts.length < 3 || !parts[0].startsWith("SessionOps.") || !parts[parts.length - 1].equals("t1")) {
            return java.util.Optional.empty();
        }
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 1; i < parts.length - 1; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                p.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        boolean gateShaped = "2048".equals(p.get("sessionBytes")) && "uniform".equals(p.getOrDefault("distribution", "uniform"))
                && "10000".equals(p.getOrDefault("liveSessions", "10000")) && "safe".equals(p.getOrDefault("updates", "safe"))
                && "1".equals(p.getOrDefault("inFlight", "1")) && p.containsKey("layout");
        if (!gateShaped) {
            return java.util.Optional.empty();
        }
        String layout = p.get("layout");
        boolean redis = layout.startsWith("redis-");
        return java.util.Optional.of(parts[0].substring("SessionOps.".length()) + ":" + layout
                + (redis ? "/" + p.getOrDefault("client", "lettuce") : ""));
    }

    /** Confirmations recorded by {@code history confirm}, by change id: verdict, gate folder, what the gate said. */
    public Map<String, JsonNode> confirmations() throws IOException {
        Path f = dir.resolve("confirmations.json");
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (!Files.exists(f)) {
            return out;
        }
        JsonNode n;
        try {
            n = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new ConfigException(f + " is corrupt (" + HistoryRecord.firstLine(e.getMessage()) + "); restore it from the branch");
        }
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Records the gate's answer for change {@code id}. */
    public void confirm(String id, String verdict, String gateFolder, String summary) throws IOException {
        Map<String, JsonNode> all = confirmations();
        ObjectNode root = JSON.createObjectNode();
        all.forEach(root::set);
        root.putObject(id).put("verdict", verdict).put("gate", gateFolder).put("summary", summary);
        write(dir.resolve("confirmations.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /** Bytes of every record file. */
    public long bytes() throws IOException {
        Path runs = dir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (var files = Files.list(runs)) {
            long s = 0;
            for (Path f : files.toList()) {
                s += Files.size(f);
            }
            return s;
        }
    }

    public Path dir() {
        return dir;
    }
}
