package io.sessionbench.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.metrics.Latencies;
import io.sessionbench.text.MarkdownTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Joins the results folders of N generators that shared one schedule ({@code load --generator I/N --start-at …})
 * into one folder laid out like a single run's: per run (scenario × target × rate step), the generators' interval
 * histograms are added interval by interval on absolute time (HdrHistogram {@code add}; percentiles are never
 * averaged), counts are summed, and the report gets a per-generator table that flags a generator that fell behind.
 */
public final class Merge {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The generators' reporting interval ({@link OpenLoopRunner}: 1 s). */
    private static final long INTERVAL_MS = 1000;

    private Merge() {
    }

    /** One generator's folder: its runs by histogram file, and what its env.json says about it. */
    record Part(Path dir, int index, int count, JsonNode env, Map<String, LoadRun> runs) {
        static Part read(Path dir) {
            if (!Files.isRegularFile(dir.resolve("loadgen.json")) || !Files.isRegularFile(dir.resolve("env.json"))) {
                throw new ConfigException(dir + " is not a results folder of 'load' (no loadgen.json or env.json)");
            }
            JsonNode env;
            try {
                env = JSON.readTree(dir.resolve("env.json").toFile());
            } catch (IOException e) {
                throw new ConfigException("cannot read " + dir.resolve("env.json") + ": " + e.getMessage());
            }
            Map<String, LoadRun> runs = new LinkedHashMap<>();
            LoadReport.read(dir).forEach(r -> runs.put(r.hlog(), r));
            JsonNode run = env.path("run");
            return new Part(dir, run.path("generator").asInt(0), run.path("generators").asInt(1), env, runs);
        }
    }

    /** Merges {@code dirs} into {@code out} (an empty folder); returns the merged runs. */
    public static List<LoadRun> merge(List<Path> dirs, Path out) {
        List<Part> parts = dirs.stream().map(Part::read).sorted(java.util.Comparator.comparingInt(Part::index)).toList();
        check(parts);
        List<String> keys = new ArrayList<>();
        parts.forEach(p -> p.runs().keySet().forEach(k -> {
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }));
        List<LoadRun> merged = new ArrayList<>();
        try {
            Files.createDirectories(out.resolve("histograms"));
            for (String key : keys) {
                merged.add(mergeRun(parts, key, out));
            }
            ObjectNode env = parts.get(0).env().deepCopy();
            ObjectNode run = (ObjectNode) env.path("run");
            run.put("label", out.getFileName().toString());
            run.put("profile", "merged: " + parts.size() + " generators, " + run.path("profile").asText(""));
            run.remove("generator");
            ArrayNode table = run.putArray("mergedGenerators");
            for (Part p : parts) {
                ObjectNode g = table.addObject();
                g.put("generator", p.index());
                g.put("folder", p.dir().getFileName().toString());
                g.set("clockOffset", p.env().path("run").path("clockOffset"));
                ArrayNode perRun = g.putArray("runs");
                for (LoadRun r : p.runs().values()) {
                    perRun.addObject().put("hlog", r.hlog()).put("intended", r.intendedRate()).put("achieved", r.achievedRate())
                            .put("scheduled", r.scheduled()).put("notStarted", r.notStarted()).put("latePercent", r.latePercent())
                            .put("errors", r.errorCount()).put("fellBehind", fellBehind(r));
                }
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("env.json").toFile(), env);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the merged results into " + out + ": " + e.getMessage(), e);
        }
        LoadReport.save(out, merged);
        return merged;
    }

    /** A generator fell behind its share when it did not sustain it: under 95 % answered, or over 1 % never started. */
    static boolean fellBehind(LoadRun r) {
        return !r.sustained();
    }

    private static void check(List<Part> parts) {
        if (parts.isEmpty()) {
            throw new ConfigException("give the results folders of the generators to merge");
        }
        int n = parts.get(0).count();
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (Part p : parts) {
            if (p.count() != n) {
                throw new ConfigException(p.dir() + " is generator " + p.index() + " of " + p.count() + ", but "
                        + parts.get(0).dir() + " is one of " + n + "; merge the folders of one run");
            }
            if (!seen.add(p.index())) {
                throw new ConfigException("two folders are generator " + p.index() + " (" + p.dir() + "); merge each generator once");
            }
        }
        if (seen.size() != n) {
            java.util.List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!seen.contains(i)) {
                    missing.add(i);
                }
            }
            throw new ConfigException("generators " + missing + " of " + n + " are missing; give every generator's folder "
                    + "(the merged schedule would lack their share)");
        }
    }

    /**
     * The offset of a generator's clock against the shared one (the Redis server's TIME, milliseconds, 0 when it was
     * not measured): added to its interval stamps, so every generator's intervals are placed on one clock.
     */
    static double offsetMillis(Part p) {
        return p.env().path("run").path("clockOffset").path("offsetMillis").asDouble(0);
    }

    private static LoadRun mergeRun(List<Part> parts, String key, Path out) {
        // Buckets of 1 s on the shared clock, from the measurement's start: each generator stamps its intervals from its
        // own measurement start on its own clock, and its measured offset puts them on the shared one.
        Map<Long, Map<String, Histogram>> buckets = new TreeMap<>();
        Map<Long, double[]> spans = new TreeMap<>();
        double t0 = Double.MAX_VALUE;
        List<List<Histogram>> logs = new ArrayList<>();
        List<Double> offsets = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        for (Part p : parts) {
            LoadRun r = p.runs().get(key);
            offsets.add(offsetMillis(p));
            if (r == null) {
                incomplete.add("generator " + p.index() + " has no " + key);
                logs.add(List.of());
                continue;
            }
            List<Histogram> intervals = HistogramFiles.readIntervals(p.dir().resolve(key));
            logs.add(intervals);
            for (Histogram h : intervals) {
                t0 = Math.min(t0, h.getStartTimeStamp() + offsets.get(offsets.size() - 1));
            }
        }
        for (int g = 0; g < logs.size(); g++) {
            double offset = offsets.get(g);
            for (Histogram h : logs.get(g)) {
                double from = h.getStartTimeStamp() + offset - t0;
                double to = h.getEndTimeStamp() + offset - t0;
                long bucket = Math.round(from / INTERVAL_MS);
                Histogram m = buckets.computeIfAbsent(bucket, b -> new TreeMap<>()).computeIfAbsent(h.getTag(), tag -> {
                    Histogram x = Latencies.histogram();
                    x.setTag(tag);
                    return x;
                });
                m.add(h);
                double[] span = spans.computeIfAbsent(bucket, b -> new double[] {Double.MAX_VALUE, -Double.MAX_VALUE});
                span[0] = Math.min(span[0], from);
                span[1] = Math.max(span[1], to);
            }
        }
        Path hlog = out.resolve(key);
        Map<String, Histogram> totals = new TreeMap<>();
        List<double[]> timeline = new ArrayList<>();
        for (Map.Entry<Long, Map<String, Histogram>> b : buckets.entrySet()) {
            List<Histogram> interval = new ArrayList<>(b.getValue().values());
            double[] span = spans.get(b.getKey());
            for (Histogram h : interval) {
                h.setStartTimeStamp(Math.round(t0 + span[0]));
                h.setEndTimeStamp(Math.round(t0 + span[1]));
            }
            HistogramFiles.append(hlog, interval);
            // seconds at the bucket's end and rates per real second of it; an edge shorter or longer than 1 s is marked
            timeline.add(OpenLoopRunner.Interval.of(interval, totals)
                    .timelineRow(span[1] / 1000.0, Math.max(1e-3, (span[1] - span[0]) / 1000.0), 0, INTERVAL_MS / 1000.0));
        }
        Histogram allCorrected = totals.getOrDefault("all.corrected", Latencies.histogram());
        Histogram allUncorrected = totals.getOrDefault("all.uncorrected", Latencies.histogram());
        String name = key.substring(key.lastIndexOf('/') + 1);
        HistogramFiles.writeHgrm(allCorrected, hlog.resolveSibling(name.replace(".hlog", ".corrected.hgrm")));
        HistogramFiles.writeHgrm(allUncorrected, hlog.resolveSibling(name.replace(".hlog", ".uncorrected.hgrm")));

        List<LoadRun> present = parts.stream().map(p -> p.runs().get(key)).filter(java.util.Objects::nonNull).toList();
        LoadRun first = present.get(0);
        double intended = present.stream().mapToDouble(LoadRun::intendedRate).sum();
        double achieved = present.stream().mapToDouble(LoadRun::achievedRate).sum();
        long scheduled = present.stream().mapToLong(LoadRun::scheduled).sum();
        long ok = present.stream().mapToLong(LoadRun::ok).sum();
        long notStarted = present.stream().mapToLong(LoadRun::notStarted).sum();
        double late = present.stream().mapToDouble(r -> r.latePercent() * r.scheduled() / 100).sum();
        Map<String, Long> misses = new TreeMap<>();
        Map<String, Long> errors = new TreeMap<>();
        long lost = 0;
        long lostAtMost = 0;
        long acknowledged = 0;
        long gone = 0;
        for (LoadRun r : present) {
            r.misses().forEach((k, v) -> misses.merge(k, v, Long::sum));
            r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
            lost += r.lostUpdates().lost();
            lostAtMost += r.lostUpdates().lostAtMost();
            acknowledged += r.lostUpdates().acknowledged();
            gone += r.lostUpdates().sessionsGone();
            if (r.incomplete() != null) {
                incomplete.add("generator " + parts.stream().filter(p -> p.runs().get(key) == r).findFirst().orElseThrow().index()
                        + ": " + r.incomplete());
            }
        }
        if (allCorrected.getTotalCount() != scheduled) {
            incomplete.add("the merged corrected histogram holds " + allCorrected.getTotalCount() + " requests, the generators scheduled "
                    + scheduled);
        }
        LoadRun.Percentiles p = LoadRun.Percentiles.of(allCorrected);
        Map<String, LoadRun.Percentiles> ops = new LinkedHashMap<>();
        totals.forEach((tag, h) -> {
            if (tag.endsWith(".corrected") && !tag.startsWith("all.")) {
                ops.put(tag.substring(0, tag.length() - ".corrected".length()), LoadRun.Percentiles.of(h));
            }
        });
        return new LoadRun(first.scenario(), first.target(), first.arrivals(),
                present.stream().mapToInt(LoadRun::connections).sum(), first.durationSeconds(), intended, achieved, scheduled, ok,
                misses, notStarted, scheduled == 0 ? 0 : 100.0 * late / scheduled, false,
                present.stream().anyMatch(LoadRun::interrupted), false,
                first.objectiveP99Micros(), errors, new LoadRun.LostUpdates(lost, acknowledged, gone, lostAtMost), first.updates(), p,
                LoadRun.Percentiles.of(allUncorrected), ops, timeline, key,
                incomplete.isEmpty() ? null : String.join("; ", incomplete), null, OpenLoopRunner.successes(totals),
                first.bounds()).judged();
    }

    /** The per-generator table of a merged folder's report, empty for a single run. */
    static String generatorsTable(JsonNode env) {
        JsonNode gens = env.path("run").path("mergedGenerators");
        if (!gens.isArray() || gens.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Generators\n\nEach of the ").append(gens.size())
                .append(" generators ran one request in ").append(gens.size())
                .append(" of the one schedule from the shared start instant; the merged rows above add their ")
                .append("histograms interval by interval. *Fell behind*: it answered under 95 % of its share or left over 1 % ")
                .append("of it never started. The clock offset is against the Redis server's TIME (± half the best round trip).\n\n");
        MarkdownTable t = new MarkdownTable().number("generator").text("run").number("intended req/s").number("achieved req/s")
                .number("scheduled").number("never started").number("late %").number("errors").text("fell behind").number("clock offset ms");
        for (JsonNode g : gens) {
            JsonNode c = g.path("clockOffset");
            String clock = c.has("offsetMillis") ? MarkdownTable.cell("%+.2f ± %.2f", c.path("offsetMillis").asDouble(),
                    c.path("uncertaintyMillis").asDouble()) : "–";
            for (JsonNode r : g.path("runs")) {
                String run = r.path("hlog").asText();
                t.row(g.path("generator").asInt(), run.substring(run.lastIndexOf('/') + 1), MarkdownTable.cell("%,.0f", r.path("intended").asDouble()),
                        MarkdownTable.cell("%,.0f", r.path("achieved").asDouble()), MarkdownTable.cell("%,d", r.path("scheduled").asLong()),
                        MarkdownTable.cell("%,d", r.path("notStarted").asLong()), MarkdownTable.cell("%.2f", r.path("latePercent").asDouble()),
                        MarkdownTable.cell("%,d", r.path("errors").asLong()), r.path("fellBehind").asBoolean() ? "**yes**" : "no", clock);
            }
        }
        return b.append(t).toString();
    }
}
