package io.sessionbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.metrics.HistogramFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Turns a results folder ({@code jmh.json}, {@code histograms/*.hlog}, {@code env.json}) into {@code .hgrm} files,
 * {@code summary.csv}, {@code report.md}, {@code report.html} with charts, and github-action-benchmark JSON.
 */
public final class ReportWriter {
    static final double[] PERCENTILES = {50, 90, 95, 99, 99.9};
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportWriter() {
    }

    /** Writes every derived file into {@code dir} and returns the rows, in report order. */
    public static List<SummaryRow> write(Path dir) {
        Path jmh = dir.resolve("jmh.json");
        if (!Files.exists(jmh)) {
            throw new io.sessionbench.infra.ConfigException("no jmh.json in " + dir + "; give a folder written by 'bench'");
        }
        List<SummaryRow> rows = rows(dir, BenchRecord.read(jmh));
        JsonNode env = readEnv(dir);
        try {
            Files.writeString(dir.resolve("summary.csv"), csv(rows));
            Files.writeString(dir.resolve("report.md"), markdown(rows, env));
            Files.writeString(dir.resolve("report.html"), html(dir, rows, env));
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("github-benchmark-smaller.json").toFile(), ciEntries(rows, false));
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("github-benchmark-bigger.json").toFile(), ciEntries(rows, true));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report into " + dir + ": " + e.getMessage(), e);
        }
        return rows;
    }

    static List<SummaryRow> rows(Path dir, List<BenchRecord> records) {
        List<SummaryRow> rows = new ArrayList<>();
        for (BenchRecord r : records) {
            Path hlog = dir.resolve("histograms").resolve(r.histogramName() + ".hlog");
            Histogram h = null;
            if (Files.exists(hlog)) {
                Map<String, Histogram> merged = HistogramFiles.readMerged(hlog);
                h = merged.getOrDefault(r.operation(), merged.isEmpty() ? null : merged.values().iterator().next());
                for (Map.Entry<String, Histogram> e : merged.entrySet()) {
                    HistogramFiles.writeHgrm(e.getValue(), dir.resolve("histograms").resolve(r.histogramName()
                            + (merged.size() == 1 ? "" : "." + e.getKey()) + ".hgrm"));
                }
            }
            rows.add(new SummaryRow(r, h, total(r, "misses"), total(r, "errors"), total(r, "lostUpdates"),
                    otherProcesses(dir.resolve("histograms").resolve(r.histogramName() + ".others.txt"))));
        }
        rows.sort(Comparator.comparing((SummaryRow s) -> s.record().operation())
                .thenComparing(s -> Integer.parseInt(s.record().params().getOrDefault("sessionBytes", "0")))
                .thenComparing(s -> s.record().threads())
                .thenComparing(s -> s.record().params().getOrDefault("distribution", ""))
                .thenComparing(s -> -s.throughput().median()));
        return rows;
    }

    /** The distinct names of the busiest other processes recorded per iteration ({@code iteration 3: postgres 38%}). */
    private static List<String> otherProcesses(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .map(l -> l.substring(0, Math.max(0, l.lastIndexOf(' ')))).distinct().sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A counter's total over all measurement iterations and forks (JMH reports their mean as the score). */
    private static double total(BenchRecord r, String name) {
        BenchRecord.Metric m = r.secondary().get(name);
        if (m == null) {
            return 0;
        }
        return m.raw().length == 0 ? m.score() : java.util.Arrays.stream(m.raw()).sum();
    }

    private static JsonNode readEnv(Path dir) {
        Path env = dir.resolve("env.json");
        try {
            return Files.exists(env) ? JSON.readTree(env.toFile()) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    // ---- csv ----------------------------------------------------------------------------------------------------

    static String csv(List<SummaryRow> rows) {
        StringBuilder b = new StringBuilder("benchmark,operation,layout,client,session_bytes,live_sessions,distribution,"
                + "threads,in_flight,updates,mode,ok_per_s_median,ci95_low,ci95_high,cv_percent,unit,p50_us,p90_us,p95_us,p99_us,p99_9_us,max_us,samples,"
                + "misses,errors,lost_updates\n");
        for (SummaryRow s : rows) {
            BenchRecord r = s.record();
            b.append(String.join(",", r.benchmark(), r.operation(), r.layout(),
                    r.layout().startsWith("redis-") ? r.params().getOrDefault("client", "") : "",
                    r.params().getOrDefault("sessionBytes", ""), r.params().getOrDefault("liveSessions", ""),
                    r.params().getOrDefault("distribution", ""), String.valueOf(r.threads()), String.valueOf(r.inFlight()),
                    r.params().getOrDefault("updates", ""), r.mode(),
                    num(s.throughput().median()), num(s.throughput().low()), num(s.throughput().high()),
                    num(s.throughput().cvPercent()), r.primary().unit()));
            for (double p : PERCENTILES) {
                b.append(',').append(num(s.percentileMicros(p)));
            }
            b.append(',').append(num(s.maxMicros())).append(',').append(s.samples())
                    .append(',').append(num(s.misses())).append(',').append(num(s.errors()))
                    .append(',').append(num(s.lostUpdates())).append('\n');
        }
        return b.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    // ---- markdown -----------------------------------------------------------------------------------------------

    /** Groups rows that differ only in layout/client: one table per operation × size × threads × distribution. */
    static Map<String, List<SummaryRow>> groups(List<SummaryRow> rows) {
        Map<String, List<SummaryRow>> g = new LinkedHashMap<>();
        for (SummaryRow s : rows) {
            BenchRecord r = s.record();
            String key = r.operation() + " — " + bytes(r.params().getOrDefault("sessionBytes", "?")) + " sessions, "
                    + r.params().getOrDefault("liveSessions", "?") + " live, " + r.params().getOrDefault("distribution", "?")
                    + " keys, " + r.threads() + " thread" + (r.threads() == 1 ? "" : "s");
            g.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
        return g;
    }

    static String bytes(String n) {
        try {
            long v = Long.parseLong(n);
            return v >= 1 << 20 && v % (1 << 20) == 0 ? v / (1 << 20) + " MB" : v >= 1024 && v % 1024 == 0 ? v / 1024 + " KB" : v + " B";
        } catch (NumberFormatException e) {
            return n;
        }
    }

    /** The "Conditions" bullet list of a results folder's {@code env.json}. */
    public static String conditionsOf(JsonNode env) {
        return conditions(env);
    }

    static String conditions(JsonNode env) {
        StringBuilder b = new StringBuilder();
        JsonNode m = env.path("machine");
        JsonNode run = env.path("run");
        b.append("- Machine: ").append(m.path("cpu").asText("?")).append(", ").append(m.path("cores").asText("?"))
                .append(" cores, ").append(m.path("memory").asText("?")).append(", ").append(m.path("os").asText("?")).append('\n');
        b.append("- JVM: ").append(env.path("jvm").path("version").asText("?")).append(" (")
                .append(env.path("jvm").path("vendor").asText("?")).append(")\n");
        b.append("- Network: ").append(run.path("network").asText("?")).append('\n');
        if (run.has("pinning")) {
            b.append("- Cores: ").append(run.path("pinning").asText()).append('\n');
        }
        if (run.has("incomplete")) {
            b.append("- **Incomplete**: ").append(run.path("incomplete").asText()).append('\n');
        }
        if (run.has("forks")) {
            b.append("- JMH: profile ").append(run.path("profile").asText("?")).append(", ").append(run.path("forks").asText("?"))
                    .append(" fork(s), ").append(run.path("warmup").asText("?")).append(" warm-up, ")
                    .append(run.path("measurement").asText("?")).append(" measurement, closed loop\n");
        } else {
            b.append("- Load generator: ").append(run.path("profile").asText("?"))
                    .append(" (warm-up, duration, rate and connections per scenario, in the tables)\n");
        }
        for (JsonNode s : env.path("servers")) {
            b.append("- ").append(s.path("server").asText()).append(' ').append(s.path("version").asText())
                    .append(" at ").append(s.path("target").asText());
            if (s.has("settings")) {
                b.append(" (").append(s.path("settings").asText()).append(')');
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String markdown(List<SummaryRow> rows, JsonNode env) {
        StringBuilder b = new StringBuilder("# sessionbench report\n\n");
        b.append(env.path("run").path("label").asText("")).append(env.has("run") ? "\n\n" : "");
        b.append("## Conditions\n\n").append(conditions(env)).append('\n');
        b.append("Throughput is successful calls per second (misses and errors are counted apart and are not in it): ")
                .append("the median of the measurement iterations, with a 95 % bootstrap interval of that median and the ")
                .append("coefficient of variation (CV) across iterations. A figure whose interval is wider than ±50 % of it is ")
                .append("marked *cannot judge*: it is not a finding. Percentiles come from the HdrHistogram of every ")
                .append("successful call in all measurement iterations and forks (closed loop: they omit queueing under ")
                .append("overload). *Disturbed* counts iterations during which something else took CPU: steal > 5 %, other ")
                .append("processes > 10 % of the machine, JIT compilation > 50 ms or GC > 25 ms in the benchmark JVM. ")
                .append("*CPU client/server* is the cores used by the benchmark JVM and by the local server processes; the ")
                .append("larger one is the side that bounds the figure (on a shared 2-core machine, neither side alone ")
                .append("can be said to measure the server). *Redis µs/cmd* is the server's own time per command (`INFO ")
                .append("commandstats`), *canary µs* the time of a fixed integer loop run between iterations: both rise when ")
                .append("the machine itself is slower (a busy host shows no steal on some hypervisors). `vs best` is this row's throughput relative to the fastest ")
                .append("real backend of the table; `memory` is the harness floor, outside the ranking.\n\n");
        for (Map.Entry<String, List<SummaryRow>> g : groups(rows).entrySet()) {
            b.append("### ").append(g.getKey()).append("\n\n");
            b.append("| layout | ok/s | 95 % CI | CV | P50 µs | P95 µs | P99 µs | P99.9 µs | max µs | misses | errors | lost updates "
                    + "| disturbed | CPU client/server | Redis µs/cmd | canary µs | vs best |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|\n");
            double best = g.getValue().stream().filter(s -> !s.record().layout().equals("memory"))
                    .mapToDouble(s -> s.throughput().median()).max().orElse(Double.NaN);
            for (SummaryRow s : g.getValue()) {
                Stats.Summary t = s.throughput();
                b.append("| ").append(s.record().target()).append(" | ").append(fmt(t.median())).append(" | ")
                        .append(interval(t)).append(" | ").append(Double.isNaN(t.cvPercent()) ? "–"
                                : String.format(Locale.ROOT, "%.1f %%", t.cvPercent())).append(" | ")
                        .append(fmt(s.percentileMicros(50)))
                        .append(" | ").append(fmt(s.percentileMicros(95))).append(" | ").append(fmt(s.percentileMicros(99)))
                        .append(" | ").append(fmt(s.percentileMicros(99.9))).append(" | ").append(fmt(s.maxMicros()))
                        .append(" | ").append(count(s.misses())).append(" | ").append(count(s.errors())).append(" | ")
                        .append(count(s.lostUpdates())).append(" | ").append(s.disturbance()).append(" | ")
                        .append(s.cpu()).append(" | ").append(fmt(s.redisMicrosPerCall())).append(" | ")
                        .append(fmt(s.canaryMicros())).append(" | ")
                        .append(s.record().layout().equals("memory") ? "floor"
                                : String.format(Locale.ROOT, "%.2f", t.median() / best)).append(" |\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The 95 % interval of a median, or why there is none. */
    static String interval(Stats.Summary t) {
        if (!t.hasInterval()) {
            return "– (" + t.n() + " samples)";
        }
        if (t.halfWidthPercent() > 50) {
            return "cannot judge (" + fmt(t.low()) + "…" + fmt(t.high()) + ")";
        }
        return fmt(t.low()) + "…" + fmt(t.high());
    }

    static String count(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    // ---- html ---------------------------------------------------------------------------------------------------

    static String html(Path dir, List<SummaryRow> rows, JsonNode env) {
        StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>sessionbench report</title>"
                + "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;"
                + "margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child"
                + "{text-align:left}img{max-width:100%}</style></head><body><h1>sessionbench report</h1>");
        b.append("<h2>Conditions</h2><ul>");
        for (String line : conditions(env).split("\n")) {
            b.append("<li>").append(escape(line.substring(2))).append("</li>");
        }
        b.append("</ul>");
        Map<String, List<SummaryRow>> groups = groups(rows);
        b.append("<h2>Charts</h2>");
        int n = 0;
        for (Map.Entry<String, List<SummaryRow>> g : groups.entrySet()) {
            Map<String, Histogram> series = new LinkedHashMap<>();
            List<String> labels = new ArrayList<>();
            List<double[]> scores = new ArrayList<>();
            for (SummaryRow s : g.getValue()) {
                if (s.latency() != null && s.latency().getTotalCount() > 0) {
                    series.put(s.record().target(), s.latency());
                }
                labels.add(s.record().target());
                Stats.Summary t = s.throughput();
                scores.add(new double[] {t.median(), t.hasInterval() ? (t.high() - t.low()) / 2 : Double.NaN});
            }
            n++;
            if (!series.isEmpty()) {
                byte[] png = Charts.percentiles("Latency by percentile: " + g.getKey(), series);
                Charts.save(png, dir.resolve("charts").resolve("percentiles-" + n + ".png"));
                b.append("<img alt=\"percentiles ").append(escape(g.getKey())).append("\" src=\"").append(Charts.dataUri(png)).append("\">");
            }
            Map<String, double[]> perIteration = new LinkedHashMap<>();
            Map<String, boolean[]> disturbed = new LinkedHashMap<>();
            for (SummaryRow s : g.getValue()) {
                if (s.record().layout().equals("memory") || s.record().primary().raw().length == 0) {
                    continue;
                }
                perIteration.put(s.record().target(), s.record().primary().raw());
                List<List<String>> causes = s.disturbedIterations();
                boolean[] d = new boolean[causes.size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = !causes.get(i).isEmpty();
                }
                disturbed.put(s.record().target(), d);
            }
            if (!perIteration.isEmpty()) {
                byte[] it = Charts.iterations("Per iteration (disturbed ones circled): " + g.getKey(), perIteration, disturbed);
                Charts.save(it, dir.resolve("charts").resolve("iterations-" + n + ".png"));
                b.append("<img alt=\"per iteration ").append(escape(g.getKey())).append("\" src=\"").append(Charts.dataUri(it)).append("\">");
            }
            byte[] bars = Charts.throughput("Throughput: " + g.getKey(), labels, scores,
                    g.getValue().get(0).record().primary().unit());
            Charts.save(bars, dir.resolve("charts").resolve("throughput-" + n + ".png"));
            b.append("<img alt=\"throughput ").append(escape(g.getKey())).append("\" src=\"").append(Charts.dataUri(bars)).append("\">");
        }
        sizeChart(dir, rows, b);
        b.append("<h2>Tables</h2>");
        b.append(markdownTablesAsHtml(markdown(rows, env)));
        b.append("</body></html>\n");
        return b.toString();
    }

    /** P50 and P99 of {@code request} against session size, per layout, when the run covered several sizes. */
    private static void sizeChart(Path dir, List<SummaryRow> rows, StringBuilder b) {
        Map<String, TreeMap<Double, double[]>> byTarget = new TreeMap<>();
        for (SummaryRow s : rows) {
            BenchRecord r = s.record();
            if (!r.operation().equals("request") || r.threads() != 1 || r.inFlight() != 1 || s.latency() == null) {
                continue;
            }
            double size = Double.parseDouble(r.params().getOrDefault("sessionBytes", "0"));
            byTarget.computeIfAbsent(r.target(), k -> new TreeMap<>())
                    .put(size, new double[] {s.percentileMicros(50), s.percentileMicros(99)});
        }
        if (byTarget.values().stream().noneMatch(m -> m.size() > 1)) {
            return;
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        byTarget.forEach((t, m) -> {
            series.put(t + " P50", m.entrySet().stream().map(e -> new double[] {e.getKey(), e.getValue()[0]}).toArray(double[][]::new));
            series.put(t + " P99", m.entrySet().stream().map(e -> new double[] {e.getKey(), e.getValue()[1]}).toArray(double[][]::new));
        });
        byte[] png = Charts.lines("request latency against session size", "session bytes (log)", "latency µs (log)", series, true);
        Charts.save(png, dir.resolve("charts").resolve("latency-vs-size.png"));
        b.append("<img alt=\"latency against session size\" src=\"").append(Charts.dataUri(png)).append("\">");
    }

    private static String markdownTablesAsHtml(String md) {
        StringBuilder b = new StringBuilder();
        boolean inTable = false;
        for (String line : md.split("\n")) {
            if (line.startsWith("### ")) {
                b.append("<h3>").append(escape(line.substring(4))).append("</h3>");
            } else if (line.startsWith("|---")) {
                continue;
            } else if (line.startsWith("| ")) {
                if (!inTable) {
                    b.append("<table>");
                    inTable = true;
                }
                b.append("<tr>");
                String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
                for (String c : cells) {
                    b.append("<td>").append(escape(c)).append("</td>");
                }
                b.append("</tr>");
            } else if (inTable) {
                b.append("</table>");
                inTable = false;
            }
        }
        if (inTable) {
            b.append("</table>");
        }
        return b.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---- github-action-benchmark --------------------------------------------------------------------------------

    /** {@code customBiggerIsBetter} (throughput) or {@code customSmallerIsBetter} (one entry per percentile). */
    static ArrayNode ciEntries(List<SummaryRow> rows, boolean bigger) {
        ArrayNode out = JSON.createArrayNode();
        for (SummaryRow s : rows) {
            BenchRecord r = s.record();
            String live = r.params().getOrDefault("liveSessions", "10000");
            String name = r.operation() + " " + r.target() + " " + bytes(r.params().getOrDefault("sessionBytes", "?"))
                    + " t" + r.threads() + (live.equals("10000") ? "" : " live" + live) + " "
                    + r.params().getOrDefault("distribution", "");
            if (bigger) {
                if (r.higherIsBetter()) {
                    ObjectNode e = out.addObject();
                    e.put("name", name.trim() + " throughput");
                    e.put("unit", r.primary().unit());
                    e.put("value", s.throughput().median());
                    e.put("range", s.throughput().hasInterval() ? num(s.throughput().low()) + "…" + num(s.throughput().high()) : "");
                    e.put("extra", r.key());
                }
            } else {
                for (double p : new double[] {50, 95, 99}) {
                    double v = s.percentileMicros(p);
                    if (!Double.isNaN(v)) {
                        ObjectNode e = out.addObject();
                        e.put("name", name.trim() + " P" + (p == 50 ? "50" : p == 95 ? "95" : "99"));
                        e.put("unit", "us");
                        e.put("value", v);
                        e.put("extra", r.key() + "; samples " + s.samples());
                    }
                }
            }
        }
        return out;
    }
}
