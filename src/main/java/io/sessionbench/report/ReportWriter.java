package io.sessionbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.text.MarkdownTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
            clearCharts(dir.resolve("charts"));
            List<Group> groups = Group.of(rows);
            List<Verdict> verdicts = Verdict.of(groups);
            Files.writeString(dir.resolve("summary.csv"), csv(rows));
            Files.writeString(dir.resolve("verdict.md"), Verdict.markdown(verdicts, rows));
            // what a session costs to keep, when the run measured it (bench --footprint; the quick profile)
            String footprint = Files.exists(dir.resolve("footprint.md")) ? Files.readString(dir.resolve("footprint.md")) : "";
            Files.writeString(dir.resolve("report.md"), markdown(rows, groups, verdicts, env, new PngCharts(dir.resolve("charts")), footprint));
            Interactive charts = new Interactive();
            Files.writeString(dir.resolve("report.html"), html(markdown(rows, groups, verdicts, env, new HtmlCharts(charts), footprint), charts,
                    env.path("run").path("label").asText("")));
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("github-benchmark-smaller.json").toFile(), ciEntries(rows, false));
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("github-benchmark-bigger.json").toFile(), ciEntries(rows, true));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report into " + dir + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** Removes the PNGs of an earlier report of this folder, so no chart of another layout of the report stays behind. */
    private static void clearCharts(Path charts) throws IOException {
        if (!Files.isDirectory(charts)) {
            return;
        }
        try (var files = Files.list(charts)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".png")).toList()) {
                Files.delete(f);
            }
        }
    }

    /** The rows of a results folder as the report computes them (percentiles from the merged histograms), no file written. */
    public static List<SummaryRow> summaryRows(Path dir) {
        return rows(dir, BenchRecord.read(BenchRecord.jmhFile(dir)), false);
    }

    static List<SummaryRow> rows(Path dir, List<BenchRecord> records) {
        return rows(dir, records, true);
    }

    /** The rows of a results folder; {@code writeHgrm} also writes each merged histogram's {@code .hgrm} beside it. */
    static List<SummaryRow> rows(Path dir, List<BenchRecord> records, boolean writeHgrm) {
        List<SummaryRow> rows = new ArrayList<>();
        for (BenchRecord r : records) {
            Path hlog = dir.resolve("histograms").resolve(r.histogramName() + ".hlog");
            Histogram h = null;
            if (Files.exists(hlog)) {
                Map<String, Histogram> merged = HistogramFiles.readMerged(hlog);
                h = merged.getOrDefault(r.operation(), merged.isEmpty() ? null : merged.values().iterator().next());
                if (writeHgrm) {
                    for (Map.Entry<String, Histogram> e : merged.entrySet()) {
                        HistogramFiles.writeHgrm(e.getValue(), dir.resolve("histograms").resolve(r.histogramName()
                                + (merged.size() == 1 ? "" : "." + e.getKey()) + ".hgrm"));
                    }
                }
            }
            rows.add(new SummaryRow(r, h, total(r, "misses"), total(r, "errors"), total(r, "lostUpdates"),
                    otherProcesses(dir.resolve("histograms").resolve(r.histogramName() + ".others.txt"))));
        }
        // request first: it is the operation the verdict answers for
        rows.sort(Comparator.comparing((SummaryRow s) -> !s.record().operation().equals("request"))
                .thenComparing(s -> s.record().operation())
                .thenComparing(s -> Integer.parseInt(s.record().params().getOrDefault("sessionBytes", "0")))
                .thenComparing(s -> s.record().threads())
                .thenComparing(s -> s.record().params().getOrDefault("distribution", ""))
                .thenComparing(s -> -s.throughput().median()));
        return rows;
    }

    /** The distinct names of the busiest other processes recorded per iteration ({@code iteration 3: postgres 38% (pid 4242)}; older files have no pids). */
    private static List<String> otherProcesses(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .map(io.sessionbench.metrics.NoiseProbe::otherName).distinct().sorted().toList();
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
                    r.store().redis() ? r.store().client().label() : "",
                    r.params().getOrDefault("sessionBytes", ""), r.params().getOrDefault("liveSessions", ""),
                    r.params().getOrDefault("distribution", ""), String.valueOf(r.threads()), String.valueOf(r.inFlight()),
                    r.params().getOrDefault("updates", ""), r.mode(),
                    num(s.throughput().median()), num(s.throughput().low()), num(s.throughput().high()),
                    num(s.throughput().cvPercent()), r.primary().unit()));
            for (double p : PERCENTILES) {
                b.append(',').append(num(s.percentileMicros(p)));
            }
            b.append(',').append(num(s.maxMicros())).append(',').append(s.samples())
                    .append(',').append(integer(s.misses())).append(',').append(integer(s.errors()))
                    .append(',').append(integer(s.lostUpdates())).append('\n');
        }
        return b.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A count in a CSV cell: a whole number, empty when unknown. */
    private static String integer(double v) {
        return Double.isNaN(v) ? "" : String.valueOf(Math.round(v));
    }

    // ---- markdown -----------------------------------------------------------------------------------------------

    public static String bytes(String n) {
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
                    .append(" at ").append(code(s.path("target").asText()));
            if (s.has("settings")) {
                b.append(" (").append(s.path("settings").asText()).append(')');
            }
            if (s.has("topology")) {
                b.append("; topology: ").append(s.path("topology").asText().replace("*", "\\*"));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** A Markdown code span: redacted URIs ({@code :****@}) and paths read literally, not as emphasis. */
    private static String code(String text) {
        return "`" + text.replace("`", "'") + "`";
    }

    /** What an operation's figures include, where that is not the operation alone. */
    static final Map<String, String> OPERATION_NOTES = Map.of(
            "invalidate", "ok/s counts create + invalidate pairs: each call first creates the session it removes (not "
                    + "timed in the percentiles, which cover invalidate alone), so ok/s is lower than 1/P50 suggests.",
            "increment", "each thread adds one to its own counter in a shared session (read, add, write back): "
                    + "*lost updates* are acknowledged increments missing from the final counters.");

    /**
     * Where a report's charts go: PNG files linked from report.md, or interactive charts in report.html. Both draw the
     * same charts per group: per panel, latency by percentile and ok/s per iteration; for the group, ok/s with its interval.
     */
    abstract static class ChartSink {
        abstract String percentiles(String file, String title, List<SummaryRow> rows);

        abstract String iterations(String file, String title, List<SummaryRow> rows);

        abstract String throughput(String file, String title, List<SummaryRow> rows);

        abstract String bySize(String file, String title, String y, SizeSeries s, Map<BenchRecord, double[]> values);

        abstract String around(String charts);

        /** The charts of one group, to stand right after its table. */
        final String group(Group g) {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<String, List<SummaryRow>> p : g.panels().entrySet()) {
                String file = g.slug() + (p.getKey().isEmpty() ? "" : "_" + p.getKey());
                String title = g.setup() + (p.getKey().isEmpty() ? "" : ", " + p.getKey());
                if (p.getValue().stream().anyMatch(s -> s.samples() > 0)) {
                    b.append(percentiles(file + "_percentiles.png", "Latency by percentile: " + title, p.getValue()));
                }
                List<SummaryRow> real = p.getValue().stream().filter(s -> !s.record().store().layout().floor()
                        && s.record().primary().raw().length > 0).toList();
                if (!real.isEmpty()) {
                    b.append(iterations(file + "_iterations.png", "ok/s per iteration (disturbed circled): " + title, real));
                }
            }
            b.append(throughput(g.slug() + "_throughput.png", "Successful calls per second, median and 95 % CI: " + g.setup(), g.rows()));
            return around(b.toString());
        }

        /** P50 and P99 of {@code request} against the measured session sizes, per layout; empty when one size. */
        final String sizes(List<SummaryRow> rows) {
            SizeSeries s = SizeSeries.of(rows);
            if (s.sizes().size() < 2) {
                return "";
            }
            return "### request latency against session size (1 thread, synchronous)\n\n"
                    + around(bySize("request_t1_p50-vs-size.png", "request P50 against session size", "P50 µs", s, s.p50())
                    + bySize("request_t1_p99-vs-size.png", "request P99 against session size", "P99 µs", s, s.p99()));
        }
    }

    /** The "Load per cluster node" section of a run on a Redis Cluster; empty for other runs. */
    public static String clusterLoadSection(JsonNode env) {
        if (!env.has("clusterLoad")) {
            return "";
        }
        return "## Load per cluster node\n\nFrom each node's `INFO commandstats`, `INFO cpu` and `DBSIZE` before and after "
                + env.path("clusterLoad").path("span").asText() + "; key design `" + env.path("run").path("redisKeys").asText("session")
                + "`. On one machine the nodes share its cores, so the split says where the work went, not what more nodes would add.\n\n"
                + env.path("clusterLoad").path("table").asText() + "\n";
    }

    static String markdown(List<SummaryRow> rows, List<Group> groups, List<Verdict> verdicts, JsonNode env, ChartSink charts,
                           String footprint) {
        StringBuilder b = new StringBuilder("# sessionbench report\n\n");
        b.append(env.path("run").path("label").asText("")).append(env.has("run") ? "\n\n" : "");
        if (env.path("run").has("incomplete")) {
            b.append("**Incomplete run**: ").append(env.path("run").path("incomplete").asText()).append("\n\n");
        }
        b.append(Verdict.markdown(verdicts, rows));
        b.append("## Conditions\n\n").append(conditions(env)).append('\n');
        b.append(clusterLoadSection(env));
        b.append(footprint.isEmpty() ? "" : footprint + "\n");
        b.append("## Details\n\n");
        b.append("Each table answers one question at one setup (layouts against each other with Lettuce; the Redis clients on ")
                .append("one layout; synchronous calls against requests in flight; safe against naive updates), and its charts ")
                .append("follow it. Throughput is successful calls per second (misses and errors are counted apart and are not in it): ")
                .append("the median of the measurement iterations, with a 95 % bootstrap interval of that median and the ")
                .append("coefficient of variation (CV) across iterations. A figure whose interval is wider than ±" + (int) TOO_NOISY_PERCENT
                        + " % of it is ")
                .append("marked *too noisy*: it is not a finding (the verdict's *tied* and *inconclusive* and the gate's *cannot judge* ")
                .append("are about comparisons, each with its own limit stated where it is used). Percentiles come from the HdrHistogram of every ")
                .append("successful call in all measurement iterations and forks (closed loop: they omit queueing under ")
                .append("overload). *Disturbed* counts iterations during which something else took CPU: steal > 5 %, other ")
                .append("processes > 10 % of the machine, JIT compilation > 50 ms or GC > 25 ms in the benchmark JVM. ")
                .append("*CPU client/server* is the cores used by the benchmark JVM and by the local server processes; the ")
                .append("larger one is the side that bounds the figure (on a shared 2-core machine, neither side alone ")
                .append("can be said to measure the server). *Redis µs/cmd* is the server's own time per command (`INFO ")
                .append("commandstats`), *canary µs* the time of a fixed integer loop run between iterations: both rise when ")
                .append("the machine itself is slower (a busy host shows no steal on some hypervisors). *vs best* is this row's ")
                .append("throughput relative to the fastest real backend of its table; `memory` is the harness floor, outside the ranking.\n\n");
        String lastOperation = null;
        for (Group g : groups) {
            String op = g.rows().get(0).record().operation();
            if (lastOperation != null && !lastOperation.equals(op) && lastOperation.equals("request")) {
                b.append(charts.sizes(rows));
            }
            lastOperation = op;
            b.append("### ").append(g.title()).append("\n\n");
            if (OPERATION_NOTES.containsKey(op)) {
                b.append("*").append(OPERATION_NOTES.get(op).replace("*", "")).append("*\n\n");
            }
            b.append(table(g.rows())).append('\n');
            b.append(charts.group(g));
        }
        if ("request".equals(lastOperation)) {
            b.append(charts.sizes(rows));
        }
        return b.toString();
    }

    static String table(List<SummaryRow> rows) {
        MarkdownTable b = new MarkdownTable().text("backend").number("ok/s").number("95 % CI").number("CV").number("P50 µs")
                .number("P95 µs").number("P99 µs").number("P99.9 µs").number("max µs").number("misses").number("errors")
                .number("lost updates").text("disturbed").text("CPU client/server").number("Redis µs/cmd").number("canary µs")
                .number("vs best");
        // Correctness first: the best is the fastest row that lost nothing and failed nothing; a row that lost updates or
        // had failed calls is listed after those that did not, and is not given a ratio that would rank it.
        double best = rows.stream().filter(s -> !s.record().store().layout().floor() && !Verdict.failedCalls(s))
                .mapToDouble(s -> s.throughput().median()).max().orElse(Double.NaN);
        List<SummaryRow> ordered = new ArrayList<>(rows);
        ordered.sort(java.util.Comparator.comparing(Verdict::failedCalls));
        for (SummaryRow s : ordered) {
            Stats.Summary t = s.throughput();
            b.row(s.record().target(), fmt(t.median()), interval(t), Double.isNaN(t.cvPercent()) ? "–" : MarkdownTable.cell("%.1f %%", t.cvPercent()),
                    fmt(s.percentileMicros(50)), fmt(s.percentileMicros(95)), fmt(s.percentileMicros(99)), fmt(s.percentileMicros(99.9)),
                    fmt(s.maxMicros()), count(s.misses()), count(s.errors()), count(s.lostUpdates()), s.disturbance(), s.cpu(),
                    fmt(s.redisMicrosPerCall()), fmt(s.canaryMicros()),
                    s.record().store().layout().floor() ? "floor" : s.lostUpdates() > 0 ? "– (lost updates)"
                            : s.errors() > 0 ? "– (failed calls)" : MarkdownTable.cell("%.2f", t.median() / best));
        }
        return b.toString();
    }

    /** The measured sizes of {@code request} runs at 1 thread, synchronous, default client: x categories and values. */
    record SizeSeries(List<String> sizes, Map<BenchRecord, double[]> p50, Map<BenchRecord, double[]> p99) {
        static SizeSeries of(List<SummaryRow> rows) {
            List<SummaryRow> kept = rows.stream().filter(s -> s.record().operation().equals("request") && s.record().threads() == 1
                    && s.record().inFlight() == 1 && Group.isDefaultClient(s.record()) && s.latency() != null).toList();
            java.util.TreeSet<Long> sizes = new java.util.TreeSet<>();
            kept.forEach(s -> sizes.add(Long.parseLong(s.record().params().getOrDefault("sessionBytes", "0"))));
            List<Long> order = new ArrayList<>(sizes);
            Map<String, BenchRecord> firstOf = new LinkedHashMap<>();
            Map<BenchRecord, double[]> p50 = new LinkedHashMap<>();
            Map<BenchRecord, double[]> p99 = new LinkedHashMap<>();
            for (SummaryRow s : kept) {
                BenchRecord key = firstOf.computeIfAbsent(s.record().target(), k -> s.record());
                int i = order.indexOf(Long.parseLong(s.record().params().getOrDefault("sessionBytes", "0")));
                p50.computeIfAbsent(key, k -> nan(order.size()))[i] = s.percentileMicros(50);
                p99.computeIfAbsent(key, k -> nan(order.size()))[i] = s.percentileMicros(99);
            }
            return new SizeSeries(order.stream().map(v -> bytes(String.valueOf(v))).toList(), p50, p99);
        }

        private static double[] nan(int n) {
            double[] d = new double[n];
            java.util.Arrays.fill(d, Double.NaN);
            return d;
        }
    }

    /** PNG files under {@code charts/}, named by what they show, linked from report.md. */
    static final class PngCharts extends ChartSink {
        private final Path dir;

        PngCharts(Path dir) {
            this.dir = dir;
        }

        private String save(byte[] png, String name, String title) {
            Charts.save(png, dir.resolve(name));
            return "![" + title + "](charts/" + name + ")\n\n";
        }

        @Override
        String percentiles(String file, String title, List<SummaryRow> rows) {
            return save(Charts.percentiles(title, rows), file, title);
        }

        @Override
        String iterations(String file, String title, List<SummaryRow> rows) {
            return save(Charts.iterations(title, rows), file, title);
        }

        @Override
        String throughput(String file, String title, List<SummaryRow> rows) {
            return save(Charts.throughput(title, rows, rows.get(0).record().primary().unit()), file, title);
        }

        @Override
        String bySize(String file, String title, String y, SizeSeries s, Map<BenchRecord, double[]> values) {
            return save(Charts.bySize(title, y + " (log)", s.sizes(), values), file, title);
        }

        @Override
        String around(String charts) {
            return charts;
        }
    }

    /** Interactive ECharts charts in report.html, placed where report.md links its PNGs. */
    static final class HtmlCharts extends ChartSink {
        private final Interactive charts;

        HtmlCharts(Interactive charts) {
            this.charts = charts;
        }

        @Override
        String percentiles(String file, String title, List<SummaryRow> rows) {
            return charts.place(Interactive.percentiles(title, rows));
        }

        @Override
        String iterations(String file, String title, List<SummaryRow> rows) {
            return charts.place(Interactive.iterations(title, rows));
        }

        @Override
        String throughput(String file, String title, List<SummaryRow> rows) {
            return charts.place(Interactive.throughput(title, rows));
        }

        @Override
        String bySize(String file, String title, String y, SizeSeries s, Map<BenchRecord, double[]> values) {
            return charts.place(Interactive.bySize(title, y, s.sizes(), values));
        }

        @Override
        String around(String html) {
            return "<div class=\"charts\">" + html + "</div>\n\n";
        }
    }

    /**
     * The one limit of the word "too noisy": a figure whose 95 % interval is wider than ±this many percent of it is not
     * quoted as a finding. The other noise words are the verdict's ("tied": a ratio's whole interval within
     * ±{@link Verdict#THRESHOLD_PERCENT} %; "inconclusive": neither tied nor judged) and the gate's ("cannot judge",
     * exit 3: a comparison left unresolved at the resolution reached).
     */
    static final double TOO_NOISY_PERCENT = 50;

    /** The 95 % interval of a median, or why there is none. */
    static String interval(Stats.Summary t) {
        if (!t.hasInterval()) {
            return "– (" + t.n() + " samples)";
        }
        if (t.halfWidthPercent() > TOO_NOISY_PERCENT) {
            return "too noisy (" + fmt(t.low()) + "…" + fmt(t.high()) + ")";
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

    private static final org.commonmark.parser.Parser MARKDOWN = org.commonmark.parser.Parser.builder()
            .extensions(List.of(org.commonmark.ext.gfm.tables.TablesExtension.create())).build();
    private static final org.commonmark.renderer.html.HtmlRenderer HTML = org.commonmark.renderer.html.HtmlRenderer.builder()
            .extensions(List.of(org.commonmark.ext.gfm.tables.TablesExtension.create())).build();

    /** The report's Markdown (with chart placeholders) as one self-contained page: styles, ECharts and the charts inlined. */
    static String html(String markdown, Interactive charts, String label) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>sessionbench report " + escape(label) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:1200px;margin:1.5em auto;padding:0 1em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px}"
                + ".charts{display:flex;flex-wrap:wrap;gap:8px}.chart{width:590px;height:420px;border:1px solid #eee}"
                + "h2{border-bottom:1px solid #ddd;padding-bottom:.2em}#script-errors{color:#b00}</style></head><body>\n"
                + HTML.render(MARKDOWN.parse(markdown))
                + "<pre id=\"script-errors\"></pre>\n" + charts.scripts() + "</body></html>\n";
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
