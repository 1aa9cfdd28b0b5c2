package io.sessionbench.loadgen;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sessionbench.report.Charts;
import io.sessionbench.report.ReportWriter;
import io.sessionbench.text.MarkdownTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The open-loop results folder: {@code loadgen.json} → {@code summary.csv}, {@code report.md}, {@code report.html}. */
public final class LoadReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LoadReport() {
    }

    public static void save(Path dir, List<LoadRun> runs) {
        try {
            JSON.writeValue(dir.resolve("loadgen.json").toFile(), runs);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + dir.resolve("loadgen.json"), e);
        }
    }

    /**
     * The runs of a results folder, judged by this build's rules ({@link LoadRun#judged()}). A run written before the
     * headline counted successes only gets its successes' latency back from its histogram log (every interval keeps
     * each operation's successes apart), and the objective's default bounds.
     */
    public static List<LoadRun> read(Path dir) {
        List<LoadRun> raw;
        try {
            raw = JSON.readValue(dir.resolve("loadgen.json").toFile(), new TypeReference<List<LoadRun>>() { });
        } catch (IOException e) {
            throw new io.sessionbench.infra.ConfigException("cannot read " + dir.resolve("loadgen.json") + ": " + e.getMessage());
        }
        List<LoadRun> out = new ArrayList<>();
        for (LoadRun r : raw) {
            if (r.successes() == null) {
                Path log = r.hlog() == null ? null : dir.resolve(r.hlog());
                LoadRun.Successes s = log != null && Files.isRegularFile(log)
                        ? OpenLoopRunner.successes(io.sessionbench.metrics.HistogramFiles.readMerged(log)) : null;
                r = r.withSuccesses(s, r.bounds());
            }
            out.add(r.judged());
        }
        return out;
    }

    /** Writes the derived files and returns the Markdown. */
    public static String write(Path dir) {
        List<LoadRun> runs = read(dir);
        JsonNode env;
        try {
            env = Files.exists(dir.resolve("env.json")) ? JSON.readTree(dir.resolve("env.json").toFile()) : JSON.createObjectNode();
        } catch (IOException e) {
            env = JSON.createObjectNode();
        }
        String md = markdown(runs, env);
        try {
            Files.writeString(dir.resolve("summary.csv"), csv(runs));
            Files.writeString(dir.resolve("report.md"), md);
            Files.writeString(dir.resolve("report.html"), html(dir, runs, md));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report into " + dir, e);
        }
        return md;
    }

    static String csv(List<LoadRun> runs) {
        StringBuilder b = new StringBuilder("scenario,target,arrivals,connections,intended_rps,achieved_rps,scheduled,ok,misses,"
                + "not_started,late_percent,sustained,meets_objective,errors,lost_updates,acknowledged_increments,p50_us,p99_us,p99_9_us,max_us,"
                + "uncorrected_p50_us,uncorrected_p99_us,uncorrected_p99_9_us,ok_p50_us,ok_p99_us,ok_p99_9_us,ok_uncorrected_p99_us,"
                + "error_percent,miss_percent\n");
        for (LoadRun r : runs) {
            b.append(String.join(",", r.scenario(), r.target(), r.arrivals(), String.valueOf(r.connections()), f(r.intendedRate()),
                    f(r.achievedRate()), String.valueOf(r.scheduled()), String.valueOf(r.ok()), String.valueOf(r.missCount()), String.valueOf(r.notStarted()),
                    f(r.latePercent()), String.valueOf(r.sustained()), String.valueOf(r.meetsObjective()),
                    String.valueOf(r.errorCount()), String.valueOf(r.lostUpdates().lost()),
                    String.valueOf(r.lostUpdates().acknowledged()), f(r.corrected().p50()), f(r.corrected().p99()),
                    f(r.corrected().p999()), f(r.corrected().max()), f(r.uncorrected().p50()), f(r.uncorrected().p99()),
                    f(r.uncorrected().p999()), f(ok(r).corrected().p50()), f(ok(r).corrected().p99()), f(ok(r).corrected().p999()),
                    f(ok(r).uncorrected().p99()), f(r.errorPercent()), f(r.missPercent()))).append('\n');
        }
        return b.toString();
    }

    private static final LoadRun.Percentiles NONE = LoadRun.Percentiles.of(null);

    /** The headline latency of a run: its successes ("–" where a run has no histogram log to rebuild them from). */
    static LoadRun.Successes ok(LoadRun r) {
        return r.successes() != null ? r.successes() : new LoadRun.Successes(NONE, NONE);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** The first clause of a long message (up to 100 characters), with "…" when cut. */
    static String shorten(String message) {
        if (message.length() <= 100) {
            return message;
        }
        int cut = message.indexOf(';');
        cut = cut > 0 && cut <= 100 ? cut : 100;
        return message.substring(0, cut) + " … (below)";
    }

    /**
     * Counts keyed {@code op.error.Type} (or {@code op} for misses) as named sums, largest first, each with its
     * operations: "Unavailable 4,991 (request 4,014, create 490, increment 487); IllegalStateException 4 (…)". "0" when none.
     */
    static String byType(Map<String, Long> counts, String separator) {
        Map<String, Map<String, Long>> types = new LinkedHashMap<>();
        counts.forEach((k, v) -> {
            int at = separator == null ? -1 : k.indexOf(separator);
            String type = at < 0 ? k : k.substring(at + separator.length()).replace("unexpected-", "");
            String op = at < 0 ? "" : k.substring(0, at);
            types.computeIfAbsent(type, x -> new java.util.TreeMap<>()).merge(op, v, Long::sum);
        });
        if (types.isEmpty()) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        types.entrySet().stream()
                .sorted((a, b) -> Long.compare(sum(b.getValue()), sum(a.getValue())))
                .forEach(e -> {
                    String ops = e.getValue().entrySet().stream().filter(o -> !o.getKey().isEmpty())
                            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                            .map(o -> String.format(Locale.ROOT, "%s %,d", o.getKey(), o.getValue())).collect(java.util.stream.Collectors.joining(", "));
                    parts.add(String.format(Locale.ROOT, "%s %,d", e.getKey(), sum(e.getValue())) + (ops.isEmpty() ? "" : " (" + ops + ")"));
                });
        return String.join("; ", parts);
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Per target, the highest intended rate that was sustained and met the P99 objective. */
    public static Map<String, LoadRun> maxSustainable(List<LoadRun> runs) {
        Map<String, LoadRun> best = new LinkedHashMap<>();
        for (LoadRun r : runs) {
            String key = r.scenario() + " " + r.target();
            best.putIfAbsent(key, null);
            if (r.sustained() && r.meetsObjective() && (best.get(key) == null || r.intendedRate() > best.get(key).intendedRate())) {
                best.put(key, r);
            }
        }
        return best;
    }

    static String markdown(List<LoadRun> runs, JsonNode env) {
        StringBuilder b = new StringBuilder("# sessionbench open-loop report\n\n");
        // A fault run opens with its story; the conditions, the table and the details follow.
        for (LoadRun r : runs) {
            if (r.faults() != null) {
                double fault = r.faults().fired().isEmpty() ? Double.NaN : r.faults().fired().get(0).firedSeconds();
                b.append(String.format(Locale.ROOT, "## What happened: %s %s @%,.0f req/s%n%n", r.scenario(), r.target(), r.intendedRate()))
                        .append(story(r, r.faults(), fault)).append('\n');
            }
        }
        b.append("## Conditions\n\n");
        b.append(ReportWriter.conditionsOf(env)).append('\n');
        b.append(ReportWriter.clusterLoadSection(env));
        b.append("Open model: requests start at scheduled times whatever the replies do. *Corrected* latency counts from the ")
                .append("intended start (what a user waits), *uncorrected* from the actual send (what closed-loop tools ")
                .append("report). Every scheduled request is in the corrected histogram: calls in flight when the window closed are ")
                .append("recorded when they answer, and requests never started count as (end of run − intended start). ")
                .append("*Achieved* counts answered calls (successes and misses); errors are not completed work. The latency ")
                .append("columns are of **successful calls only**: a call that failed fast cannot pull them down; failed and ")
                .append("never-started requests keep their own histograms in the log, and *errors %* stands beside them. A run is ")
                .append("*sustained* (the schedule was kept) when it answered ≥ 95 % of the intended rate, at most 1 % of the ")
                .append("schedule never started, at most 5 % of starts were more than 1 ms late, and the corrected P99 of ")
                .append("successes stayed within 2× the uncorrected one (or 5 ms of it); otherwise its latency is queueing, ")
                .append("not service time. It *meets* its objective only when it is sustained and every bound holds: P99 of ")
                .append("successes, errors and late starts (`objective: {p99, errors, late}`). *Lost updates*: ")
                .append("each writer increments its own counter (read, add one, write back), so acknowledged increments ")
                .append("minus the final value is what concurrent writers or a failover erased; when increments failed or ")
                .append("timed out (any of which may have landed) the count is a range, *a–b*; sessions that expired or were ")
                .append("evicted are not counted as lost.\n\n");
        String scenario = null;
        MarkdownTable table = null;
        for (LoadRun r : runs) {
            if (!r.scenario().equals(scenario)) {
                if (table != null) {
                    b.append(table);
                }
                scenario = r.scenario();
                b.append("## ").append(scenario).append("\n\n");
                // What was lost or failed comes first; speed after it.
                table = new MarkdownTable().text("target").text("verdict").text("acknowledged sessions lost").text("lost updates")
                        .number("errors %").text("errors by type").text("misses").number("intended req/s").number("achieved")
                        .number("not started").number("late >1ms").number("P50 ms").number("P99 ms").number("P99.9 ms").number("max ms")
                        .number("uncorr. P99 ms").number("uncorr. P99.9 ms");
            }
            LoadRun.Bounds bounds = r.bounds();
            // a long failure message goes under the table, the cell keeps its first clause
            String verdict = r.incomplete() != null ? "incomplete: " + shorten(r.incomplete()) : r.interrupted() ? "interrupted"
                    : r.meetsObjective() ? "meets P99 ≤ " + ms(r.objectiveP99Micros()) + " ms, errors ≤ " + bounds.errorsPercent()
                    + " %, late ≤ " + bounds.latePercent() + " %" : "does not meet: " + String.join("; ", r.unmet());
            LoadRun.Successes ok = ok(r);
            FaultRun f = r.faults();
            String sessionsLost = f == null ? "– (checked in fault runs)" : f.sessionsMissing() < 0 ? "not checked (the check failed)"
                    : String.format(Locale.ROOT, f.sessionsMissing() > 0 ? "**%,d of %,d**" : "%,d of %,d", f.sessionsMissing(), f.sessionsChecked());
            String updatesLost = (r.lostUpdates().acknowledged() == 0 ? "–" : String.format(Locale.ROOT, r.lostUpdates().lost() > 0 ? "**%,d%s of %,d**" : "%,d%s of %,d",
                    r.lostUpdates().lost(), r.lostUpdates().lostAtMost() > r.lostUpdates().lost() ? "–" + r.lostUpdates().lostAtMost() : "",
                    r.lostUpdates().acknowledged())) + " (" + r.updates() + ")";
            table.row(r.target(), verdict, sessionsLost, updatesLost, MarkdownTable.cell("%.2f", r.errorPercent()), byType(r.errors(), ".error."),
                    byType(r.misses(), null), MarkdownTable.cell("%,.0f", r.intendedRate()), MarkdownTable.cell("%,.0f", r.achievedRate()),
                    r.notStarted(), MarkdownTable.cell("%.2f%%", r.latePercent()), ms(ok.corrected().p50()), ms(ok.corrected().p99()),
                    ms(ok.corrected().p999()), ms(ok.corrected().max()), ms(ok.uncorrected().p99()), ms(ok.uncorrected().p999()));
        }
        if (table != null) {
            b.append(table);
        }
        for (LoadRun r : runs) {
            if (r.incomplete() != null && !shorten(r.incomplete()).equals(r.incomplete())) {
                b.append(String.format(Locale.ROOT, "%n- %s @%,.0f req/s incomplete: %s%n", r.target(), r.intendedRate(), r.incomplete()));
            }
        }
        b.append("\nHeap of the generator JVM (").append(Runtime.getRuntime().maxMemory() / 1048576).append(" MB max when this report ")
                .append("was written): highest sample per run: ");
        for (LoadRun r : runs) {
            double peak = r.timeline().stream().mapToDouble(p -> p.length > 5 ? p[5] : 0).max().orElse(0);
            b.append(String.format(Locale.ROOT, "%s @%.0f %.0f MB; ", r.target(), r.intendedRate(), peak));
        }
        // A fault run is one fixed rate with a fault in it: no capacity is found there, and advice on rates does not fit it.
        List<LoadRun> capacity = runs.stream().filter(r -> r.faults() == null).toList();
        if (!capacity.isEmpty()) {
            b.append("\n\n## Maximum sustainable throughput (objective met: P99 of successes, errors, late starts; schedule kept)\n\n");
            Map<String, Double> highestTried = new LinkedHashMap<>();
            capacity.forEach(r -> highestTried.merge(r.scenario() + " " + r.target(), r.intendedRate(), Math::max));
            MarkdownTable sustainable = new MarkdownTable().text("scenario and target").number("req/s").number("P99 ms");
            maxSustainable(capacity).forEach((k, r) -> sustainable.row(k,
                    r == null ? noSustainableRate(capacity, k) : MarkdownTable.cell("%,.0f", r.intendedRate())
                            + (r.intendedRate() >= highestTried.get(k) ? " or more (the highest rate tried)" : ""),
                    r == null ? "–" : ms(ok(r).corrected().p99())));
            b.append(sustainable);
        } else {
            b.append("\n");
        }
        b.append(Merge.generatorsTable(env));
        b.append(faultsSection(runs));
        return b.toString();
    }

    /** The file name (under {@code charts/}) of a fault run's chart {@code what}. */
    static String faultChart(LoadRun r, String what) {
        return (r.scenario() + "_" + r.target() + "_" + String.format(Locale.ROOT, "%.0f", r.intendedRate()))
                .replaceAll("[^A-Za-z0-9._-]", "-") + "_" + what + ".png";
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "–" : String.format(Locale.ROOT, "%+.2f s", Math.abs(s) < 0.005 ? 0.0 : s);
    }

    /** Per run with faults: what fired, the error window, recovery, sessions lost, and errors by type per second. */
    static String faultsSection(List<LoadRun> runs) {
        StringBuilder b = new StringBuilder();
        for (LoadRun r : runs) {
            FaultRun f = r.faults();
            if (f == null) {
                continue;
            }
            if (b.length() == 0) {
                b.append("\n## Faults\n\nTimes are seconds into the measurement. The error window runs from the first to the last ")
                        .append("failed call that completed after the fault fired; *first success* is the first success among calls ")
                        .append("sent after the first error, which can come while most calls still fail; *recovered* is the start of the ")
                        .append("first 1 s interval after the fault from which every interval to the end failed at most the objective's ")
                        .append("error share, for at least 2 s (else *not recovered by the end*); *P99 back* is the start of the first 1 s interval lying at least half ")
                        .append("after the fault and its last error that answered at least half the pre-fault rate with a corrected P99 within 2× of the median P99 of the intervals before the fault. *Acknowledged sessions lost*: ")
                        .append("every session the store acknowledged (those in place when the run started and every login it ")
                        .append("confirmed during it) looked up after the run through a store opened afresh, leaving out by ")
                        .append("construction the ones the scenario logged out, the ones the per-user cap may have evicted (cap or ")
                        .append("more later logins of the user) and the ones whose TTL may have run out; a missing one was lost, and ")
                        .append("the window runs from the first to the last lost acknowledgement. A run that did not recover by ")
                        .append("its end goes on, up to " + (int) FaultRun.MAX_EXTENSION_SECONDS + " s, until it has.\n");
            }
            double fault = f.fired().isEmpty() ? Double.NaN : f.fired().get(0).firedSeconds();
            b.append(String.format(Locale.ROOT, "%n### %s %s @%,.0f req/s%n%n", r.scenario(), r.target(), r.intendedRate()))
                    .append("- durability: ").append(f.durability()).append("\n- cluster client settings: ").append(f.clientSettings())
                    .append("\n\n");
            MarkdownTable fired = new MarkdownTable().text("fault").number("planned").number("fired").number("took").text("what happened");
            for (Faults.Fired x : f.fired()) {
                fired.row(x.kind(), MarkdownTable.cell("%.2f s", x.plannedSeconds()), MarkdownTable.cell("%.2f s", x.firedSeconds()),
                        MarkdownTable.cell("%.2f s", x.tookSeconds()), x.error() != null ? "**failed**: " + x.error() : x.action());
            }
            b.append(fired);
            b.append(String.format(Locale.ROOT, "%n- errors: %s%n", r.errorCount() == 0 ? "none"
                    : String.format(Locale.ROOT, "%,d: %s", r.errorCount(), byType(r.errors(), ".error."))));
            if (!Double.isNaN(f.firstErrorSeconds())) {
                b.append(String.format(Locale.ROOT, "- error window: first %s, last %s (%.2f s long; %s after the fault); first success: %s%n",
                        seconds(f.firstErrorSeconds()), seconds(f.lastErrorSeconds()), f.lastErrorSeconds() - f.firstErrorSeconds(),
                        seconds(f.lastErrorSeconds() - fault), seconds(f.firstSuccessAfterErrorSeconds())));
            }
            if (!Double.isNaN(fault)) {
                double bound = r.bounds().errorsPercent();
                double back = FaultRun.recovered(r.timeline(), fault, bound);
                String extended = f.extendedSeconds() == null ? "" : f.extendedSeconds() > 0
                        ? String.format(Locale.ROOT, "; the run went on %.0f s past its %.0f s to see it", f.extendedSeconds(),
                                r.durationSeconds() - f.extendedSeconds())
                        : "; within the run's duration";
                b.append(Double.isNaN(back)
                        ? String.format(Locale.ROOT, "- recovered: **not recovered by the end** (errors above %s %% of calls in a second "
                        + "after the fault, up to the last %.0f s of the run%s)%n", bound, FaultRun.RECOVERED_FOR_SECONDS,
                        f.extendedSeconds() == null ? "" : String.format(Locale.ROOT, ", which went on %.0f s past its duration (at most %.0f)",
                                f.extendedSeconds(), FaultRun.MAX_EXTENSION_SECONDS))
                        : String.format(Locale.ROOT, "- recovered: %s (%s after the fault; errors at most %s %% of calls in every second "
                        + "from then to the end%s)%n", seconds(back), seconds(back - fault), bound, extended));
            }
            // computed from the stored timeline, so 'report DIR' renders every run with this build's definition
            double[] p99 = FaultRun.p99Recovery(r.timeline(), fault, f.lastErrorSeconds());
            b.append(String.format(Locale.ROOT, "- P99 before the fault: %s ms; back within 2×: %s%n",
                    Double.isNaN(p99[0]) ? "–" : String.format(Locale.ROOT, "%.2f", p99[0]),
                    Double.isNaN(p99[1]) ? "not within the run" : seconds(p99[1]) + " (" + seconds(p99[1] - fault) + " after the fault)"));
            b.append("- acknowledged sessions lost: ").append(sessionLoss(f)).append("; lost increments: ")
                    .append(r.lostUpdates().acknowledged() == 0 ? "– (no increments)" : r.lostUpdates().text()
                            + (r.lostUpdates().sessionsGone() > 0 ? ", " + r.lostUpdates().sessionsGone() + " written sessions gone" : ""))
                    .append('\n');
            if (f.events() != null && !f.events().isEmpty()) {
                b.append("\nServer events captured during the run (Sentinel messages; each node's role, reachability and cluster epoch as "
                        + "they changed, polled every 100 ms):\n\n");
                MarkdownTable events = new MarkdownTable().number("at").text("from").text("event");
                f.events().forEach(e -> events.row(seconds(e.seconds()), e.source(), e.event()));
                b.append(events);
            }
            b.append("\n![latency over time](charts/").append(faultChart(r, "latency")).append(") ![errors over time](charts/")
                    .append(faultChart(r, "errors")).append(")\n\n");
            // one column per error type seen in the run, named
            java.util.SortedSet<String> types = f.errorTypes();
            MarkdownTable timeline = new MarkdownTable().number("interval end").number("answered/s").number("failed %").number("P99 ms")
                    .number("uncorr. P99 ms");
            types.forEach(t -> timeline.number(t.replace("unexpected-", "")));
            for (int i = 0; i < r.timeline().size(); i++) {
                double[] row = r.timeline().get(i);
                Map<String, Long> errs = i < f.errorsPerSecond().size() ? f.errorsPerSecond().get(i) : Map.of();
                double failed = FaultRun.failedPercent(row);
                List<Object> cells = new ArrayList<>(List.of(MarkdownTable.cell("%.1f s", row[0]), MarkdownTable.cell("%,.0f", row[1]),
                        Double.isNaN(failed) ? "–" : MarkdownTable.cell("%.1f", failed), ms(row[3]), ms(row[4])));
                types.forEach(t -> cells.add(errs.containsKey(t) ? MarkdownTable.cell("%,d", errs.get(t)) : ""));
                timeline.row(cells.toArray());
            }
            b.append(timeline);
        }
        return b.toString();
    }

    /**
     * A fault run's story, in the order a reader needs it: what was done and when, what was lost, what failed and for
     * how long, when answers were back to normal, and what the servers said.
     */
    static String story(LoadRun r, FaultRun f, double fault) {
        StringBuilder b = new StringBuilder();
        for (Faults.Fired x : f.fired()) {
            b.append(String.format(Locale.ROOT, "1. **%s** at %s: %s.%n", x.kind(), seconds(x.firedSeconds()),
                    x.error() != null ? "it failed: " + x.error() : x.action()));
        }
        boolean sessionsLost = f.sessionsMissing() > 0;
        boolean updatesLost = r.lostUpdates().lost() > 0;
        if (f.sessionsMissing() < 0) {
            b.append("1. **Lost: not known**, the check of acknowledged sessions failed.\n");
        } else if (sessionsLost || updatesLost) {
            b.append("1. **Lost: ").append(sessionsLost ? sessionLoss(f).replaceFirst(" checked", " acknowledged sessions") : "no acknowledged session")
                    .append("; increments: ").append(r.lostUpdates().acknowledged() == 0 ? "none sent" : r.lostUpdates().text())
                    .append(".**\n");
        } else {
            b.append(String.format(Locale.ROOT, "1. **Nothing acknowledged was lost**: 0 of %,d sessions; increments: %s.%n", f.sessionsChecked(),
                    r.lostUpdates().acknowledged() == 0 ? "none sent" : r.lostUpdates().text()));
        }
        if (r.errorCount() == 0) {
            b.append("1. **No call failed.**\n");
        } else {
            b.append(String.format(Locale.ROOT, "1. **%,d calls failed** (%.2f %% of the run), from %s to %s: %s.%n", r.errorCount(), r.errorPercent(),
                    seconds(f.firstErrorSeconds()), seconds(f.lastErrorSeconds()), byType(r.errors(), ".error.")));
        }
        if (!Double.isNaN(fault)) {
            double back = FaultRun.recovered(r.timeline(), fault, r.bounds().errorsPercent());
            double[] p99 = FaultRun.p99Recovery(r.timeline(), fault, f.lastErrorSeconds());
            b.append(Double.isNaN(back) ? "1. **Not back to normal by the end of the run**"
                    : String.format(Locale.ROOT, "1. **Back to normal** (errors ≤ %s %% of calls in every second after): %s, %s after the fault",
                    r.bounds().errorsPercent(), seconds(back), seconds(back - fault)));
            b.append(Double.isNaN(p99[1]) ? "; P99 not back within 2× of before the fault.\n"
                    : String.format(Locale.ROOT, "; P99 within 2× of before the fault from %s.%n", seconds(p99[1])));
        }
        List<String> said = new ArrayList<>();
        markers(f).forEach((label, at) -> {
            if (f.fired().stream().noneMatch(x -> x.kind().equals(label))) {
                said.add(label + " " + seconds(at));
            }
        });
        if (!said.isEmpty()) {
            b.append("1. The servers: ").append(String.join(", ", said)).append(" (all events below).\n");
        }
        return b.toString();
    }

    /**
     * "1,012 of 4,230 acknowledged sessions checked (23.93 %), acknowledged from 5.21 s to 6.90 s (a 1.69 s window);
     * left out: 120 logged out by the scenario, 35 possibly evicted by the user cap".
     */
    static String sessionLoss(FaultRun f) {
        if (f.sessionsMissing() < 0) {
            return "not checked (the check failed)";
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d of %,d checked (%.2f %%)", f.sessionsMissing(),
                f.sessionsChecked(), f.sessionsChecked() == 0 ? 0.0 : 100.0 * f.sessionsMissing() / f.sessionsChecked()));
        if (f.sessionsUnreadable() > 0) {
            b.append(String.format(Locale.ROOT, ", %,d could not be read", f.sessionsUnreadable()));
        }
        if (f.sessionsMissing() > 0 && f.lostFromSeconds() != null) {
            b.append(String.format(Locale.ROOT, ", acknowledged from %s to %s (a %.2f s window)", seconds(f.lostFromSeconds()),
                    seconds(f.lostToSeconds()), f.lostToSeconds() - f.lostFromSeconds()));
        }
        if (f.sessionsLeftOut() != null) {
            List<String> out = new ArrayList<>();
            Map<String, String> why = Map.of("logout", "logged out by the scenario", "cap", "possibly evicted by the per-user cap",
                    "expiry", "possibly expired");
            f.sessionsLeftOut().forEach((k, v) -> {
                if (v > 0) {
                    out.add(String.format(Locale.ROOT, "%,d %s", v, why.getOrDefault(k, k)));
                }
            });
            b.append(out.isEmpty() ? "; none left out" : "; left out: " + String.join(", ", out));
        }
        return b.toString();
    }

    /**
     * What the charts of a fault run mark: each fault as fired, then the server events that tell the story (the first
     * {@code +odown} and {@code +switch-master}, a node going silent, answering again, becoming primary or replica).
     */
    static Map<String, Double> markers(FaultRun f) {
        Map<String, Double> m = new LinkedHashMap<>();
        f.fired().forEach(x -> m.put(x.kind(), x.firedSeconds()));
        if (f.events() != null) {
            for (ServerEvents.Event e : f.events()) {
                String label = null;
                if (e.event().startsWith("+odown") || e.event().startsWith("+switch-master")) {
                    label = e.event().substring(0, e.event().indexOf(' ') < 0 ? e.event().length() : e.event().indexOf(' '));
                } else if (e.source().startsWith("node ") && !e.event().startsWith("at the start")) {
                    String port = e.source().substring("node ".length());
                    label = port + (e.event().startsWith("not answering") ? " down" : e.event().startsWith("primary") ? " primary"
                            : e.event().startsWith("replica") ? " replica" : " " + e.event());
                }
                if (label != null) {
                    m.putIfAbsent(label, e.seconds());
                }
            }
        }
        return m;
    }

    /** The latency and errors-by-type charts of each run with faults, the fault marked; saved under charts/, returned as img tags. */
    static String faultCharts(Path dir, List<LoadRun> runs) {
        StringBuilder b = new StringBuilder();
        for (LoadRun r : runs) {
            FaultRun f = r.faults();
            if (f == null) {
                continue;
            }
            Map<String, Double> markers = markers(f);
            Map<String, double[][]> lat = new LinkedHashMap<>();
            lat.put("P99 corrected", r.timeline().stream().map(p -> new double[] {p[0], p[3] / 1000}).toArray(double[][]::new));
            lat.put("P99 uncorrected", r.timeline().stream().map(p -> new double[] {p[0], p[4] / 1000}).toArray(double[][]::new));
            String title = r.scenario() + " " + r.target() + " @" + String.format(Locale.ROOT, "%.0f", r.intendedRate());
            byte[] latency = Charts.lines("Latency per 1 s: " + title, "seconds into the measurement", "P99 ms (log)", lat, false, markers);
            // Each second's calls that failed, by type, as a share of that second's calls (answered + failed): the
            // second's failed share (FaultRun.failedPercent, as recovery judges it) split by the types' counts.
            Map<String, double[][]> errs = new LinkedHashMap<>();
            for (String type : f.errorTypes()) {
                List<double[]> pts = new ArrayList<>();
                for (int i = 0; i < r.timeline().size() && i < f.errorsPerSecond().size(); i++) {
                    double[] row = r.timeline().get(i);
                    Map<String, Long> second = f.errorsPerSecond().get(i);
                    double failed = FaultRun.failedPercent(row);
                    long all = sum(second);
                    pts.add(new double[] {row[0], Double.isNaN(failed) || all == 0 ? 0 : failed * second.getOrDefault(type, 0L) / all});
                }
                errs.put(type.replace("unexpected-", ""), pts.toArray(double[][]::new));
            }
            byte[] errors = Charts.shares("Calls failed per second, by error type: " + title, "seconds into the measurement",
                    "% of the second's calls", errs, markers);
            Charts.save(latency, dir.resolve("charts").resolve(faultChart(r, "latency")));
            Charts.save(errors, dir.resolve("charts").resolve(faultChart(r, "errors")));
            b.append("<img alt=\"latency over time with the fault\" src=\"").append(Charts.dataUri(latency)).append("\">")
                    .append("<img alt=\"errors by type over time with the fault\" src=\"").append(Charts.dataUri(errors)).append("\">");
        }
        return b.toString();
    }

    /**
     * Why no rate of a sweep counted, from its lowest rate, and what to change: a lower first rate, more connections
     * when the generator could not keep the schedule, or a looser objective when it could but P99 was above it.
     */
    static String noSustainableRate(List<LoadRun> runs, String key) {
        LoadRun lowest = runs.stream().filter(r -> (r.scenario() + " " + r.target()).equals(key))
                .min(java.util.Comparator.comparingDouble(LoadRun::intendedRate)).orElse(null);
        if (lowest == null) {
            return "none of the rates tried";
        }
        String at = String.format(Locale.ROOT, "%,.0f req/s", lowest.intendedRate());
        if (lowest.errorCount() > 0 && lowest.ok() == 0) {
            return "none: every call at " + at + " failed (" + lowest.errors() + "); fix the target first";
        }
        if (!lowest.sustained()) {
            return String.format(Locale.ROOT, "none: at the lowest rate, %s, the schedule was not kept: only %,.0f req/s were "
                    + "answered, %d requests never started and %.1f %% of starts were over 1 ms late; start lower (rate: {from: …} "
                    + "in the scenario, or --rate), or give it more connections (connections:, --connections) if the server is not "
                    + "busy", at, lowest.achievedRate(), lowest.notStarted(), lowest.latePercent());
        }
        return String.format(Locale.ROOT, "none: at the lowest rate, %s, corrected P99 was %s ms against an objective of %s ms; "
                + "start lower (rate: {from: …}, or --rate), use fewer connections if the server is saturated, or loosen the "
                + "objective (objective: {p99: …})", at, ms(ok(lowest).corrected().p99()), ms(lowest.objectiveP99Micros()));
    }

    /** A latency in ms as the load report prints it: two decimals under 10 ms, whole ms above; – when absent. */
    public static String ms(double micros) {
        return Double.isNaN(micros) ? "–" : String.format(Locale.ROOT, micros >= 10_000 ? "%.0f" : "%.2f", micros / 1000);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String html(Path dir, List<LoadRun> runs, String md) {
        StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>sessionbench open-loop report</title>"
                + "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}pre{white-space:pre-wrap}img{max-width:100%}</style>"
                + "</head><body><h1>sessionbench open-loop report</h1>");
        // A fault run's page opens with its story, as report.md does; the charts and the full text follow.
        for (LoadRun r : runs) {
            if (r.faults() != null) {
                double fault = r.faults().fired().isEmpty() ? Double.NaN : r.faults().fired().get(0).firedSeconds();
                b.append(String.format(Locale.ROOT, "<h2>What happened: %s %s @%,.0f req/s</h2><ol>", escape(r.scenario()),
                        escape(r.target()), r.intendedRate()));
                for (String line : story(r, r.faults(), fault).split("\n")) {
                    if (line.startsWith("1. ")) {
                        b.append("<li>").append(escape(line.substring(3)).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>")).append("</li>");
                    }
                }
                b.append("</ol>");
            }
        }
        Map<String, Map<String, double[][]>> overTime = new LinkedHashMap<>();
        Map<String, Map<String, List<double[]>>> sweep = new LinkedHashMap<>();
        for (LoadRun r : runs) {
            if (r.faults() != null) {
                continue; // its own latency chart, with the fault and the servers' events marked, follows
            }
            String series = r.target() + " @" + String.format(Locale.ROOT, "%.0f", r.intendedRate());
            Map<String, double[][]> t = overTime.computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>());
            t.put(series + " P99 corrected", r.timeline().stream().map(p -> new double[] {p[0], p[3] / 1000}).toArray(double[][]::new));
            t.put(series + " P99 uncorrected", r.timeline().stream().map(p -> new double[] {p[0], p[4] / 1000}).toArray(double[][]::new));
            if (!Double.isNaN(ok(r).corrected().p99())) {
                sweep.computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>()).computeIfAbsent(r.target(), k -> new ArrayList<>())
                        .add(new double[] {r.achievedRate(), ok(r).corrected().p99() / 1000});
            }
        }
        for (Map.Entry<String, Map<String, double[][]>> e : overTime.entrySet()) {
            String name = e.getKey().replaceAll("[^A-Za-z0-9._-]", "-");
            // at most 6 series (3 runs, corrected and uncorrected) per panel
            List<Map.Entry<String, double[][]>> all = new ArrayList<>(e.getValue().entrySet());
            for (int from = 0, panel = 1; from < all.size(); from += 6, panel++) {
                Map<String, double[][]> part = new LinkedHashMap<>();
                all.subList(from, Math.min(all.size(), from + 6)).forEach(x -> part.put(x.getKey(), x.getValue()));
                String suffix = all.size() > 6 ? " (" + panel + " of " + ((all.size() + 5) / 6) + ")" : "";
                // one colour per layout, as in every bench chart; the uncorrected twin dashed
                Map<String, java.awt.Color> colours = new LinkedHashMap<>();
                java.util.Set<String> dashed = new java.util.HashSet<>();
                part.keySet().forEach(k -> {
                    colours.put(k, io.sessionbench.report.Look.awtColour(k.replaceFirst("[/ ].*", "")));
                    if (k.endsWith("uncorrected")) {
                        dashed.add(k);
                    }
                });
                byte[] png = Charts.lines("Latency over time: " + e.getKey() + " (per 1 s interval)" + suffix, "seconds", "P99 ms (log)",
                        part, colours, dashed);
                Charts.save(png, dir.resolve("charts").resolve(name + "_p99-over-time" + (panel == 1 ? "" : "-" + panel) + ".png"));
                b.append("<img alt=\"latency over time\" src=\"").append(Charts.dataUri(png)).append("\">");
            }
            Map<String, List<double[]>> s = sweep.get(e.getKey());
            if (s != null && s.values().stream().anyMatch(l -> l.size() > 1)) {
                Map<String, double[][]> series = new LinkedHashMap<>();
                s.forEach((k, v) -> series.put(k, v.toArray(double[][]::new)));
                double objectiveMs = runs.stream().filter(r -> r.scenario().equals(e.getKey())).mapToDouble(LoadRun::objectiveP99Micros)
                        .findFirst().orElse(Double.NaN) / 1000;
                byte[] sw = Charts.lines("Latency against throughput: " + e.getKey(), "achieved req/s", "P99 ms of successes, corrected (log)",
                        series, String.format(Locale.ROOT, "objective P99 ≤ %s ms", ms(objectiveMs * 1000)), objectiveMs);
                Charts.save(sw, dir.resolve("charts").resolve(name + "_p99-vs-achieved-rate.png"));
                b.append("<img alt=\"latency against throughput\" src=\"").append(Charts.dataUri(sw)).append("\">");
            }
        }
        b.append(faultCharts(dir, runs));
        b.append("<pre>").append(md.replace("&", "&amp;").replace("<", "&lt;")).append("</pre></body></html>\n");
        return b.toString();
    }
}
