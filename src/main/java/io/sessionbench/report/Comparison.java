package io.sessionbench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two sets of runs judged metric by metric ({@code compare}). Each side of a metric is its runs, each run its forks,
 * each fork its iterations ({@link Judge.Sample}); disturbed iterations are left out and a fork mostly disturbed is
 * dropped. The change current/base is judged by {@link Judge#unpaired} at the resolution the data reach; with one
 * fork per side there is no verdict, and the line says how many runs per side the measured variance would need.
 */
public final class Comparison {
    /**
     * One judged metric of one benchmark.
     *
     * @param name short benchmark name, e.g. {@code request redis-hash/lettuce 2KB t1}
     */
    public record Line(String key, String name, String metric, double baseline, double current, Judge.Change change,
                       boolean missing) {
        /** Whether this is a headline metric: {@code request} throughput or P99, one thread, one in flight, 2 KB. */
        public boolean headline() {
            return key.startsWith("SessionOps.request_") && key.contains("_sessionBytes=2048_") && key.endsWith("_t1")
                    && (!key.contains("inFlight=") || key.contains("_inFlight=1_"))
                    && (metric.startsWith("ok/s") || metric.startsWith("p99"));
        }

        public String verdictWords() {
            return missing ? "missing" : change.verdict().words();
        }
    }

    private final Judge.Rules rules;
    private final List<String> metrics;

    /** {@code rules} are completed with the number of metrics judged together once they are known. */
    public Comparison(Judge.Rules rules, List<String> metrics) {
        this.rules = rules;
        this.metrics = metrics;
    }

    /** One side's values of a metric: per run, its forks' iterations with disturbed ones left out; forks before that. */
    private record Series(String name, boolean higherIsBetter, List<Judge.Sample> runs, int[] forksRecorded) {
        Judge.Sample sample() {
            return runs.size() == 1 ? runs.get(0) : Judge.Sample.of(runs);
        }
    }

    /**
     * Every metric of every benchmark of the baseline, judged against the current side; {@code keep} selects the
     * lines that share the false-alarm rate (the headline, or all).
     */
    public List<Line> compare(List<Path> baselineRuns, List<Path> currentRuns, java.util.function.Predicate<Line> keep) {
        Map<String, Map<String, Series>> base = collect(baselineRuns);
        Map<String, Map<String, Series>> cur = collect(currentRuns);
        List<Line> pending = new ArrayList<>();
        for (Map.Entry<String, Map<String, Series>> e : base.entrySet()) {
            for (Map.Entry<String, Series> m : e.getValue().entrySet()) {
                Line l = new Line(e.getKey(), m.getValue().name(), m.getKey(), m.getValue().sample().value(), Double.NaN, null,
                        !cur.getOrDefault(e.getKey(), Map.of()).containsKey(m.getKey()));
                if (keep.test(l)) {
                    pending.add(l);
                }
            }
        }
        Judge.Rules r = rules.forMetrics((int) pending.stream().filter(l -> !l.missing()).count());
        List<Line> out = new ArrayList<>();
        for (Line l : pending) {
            Series b = base.get(l.key()).get(l.metric());
            if (l.missing()) {
                out.add(l);
                continue;
            }
            Series c = cur.get(l.key()).get(l.metric());
            out.add(new Line(l.key(), l.name(), l.metric(), b.sample().value(), c.sample().value(), judge(b, c, r), false));
        }
        return out;
    }

    public List<Line> compare(List<Path> baselineRuns, List<Path> currentRuns) {
        return compare(baselineRuns, currentRuns, l -> true);
    }

    /** The rules the lines of {@link #compare} were judged by. */
    public Judge.Rules rules(List<Line> lines) {
        return rules.forMetrics((int) lines.stream().filter(l -> !l.missing()).count());
    }

    private static Judge.Change judge(Series b, Series c, Judge.Rules r) {
        int total = b.forksRecorded()[0] + c.forksRecorded()[0];
        int usable = b.runs().stream().mapToInt(Judge.Sample::units).sum() + c.runs().stream().mapToInt(Judge.Sample::units).sum();
        if (2 * usable < total) {
            return Judge.disturbed(usable, total, b.higherIsBetter());
        }
        return Judge.unpaired(b.sample(), c.sample(), b.higherIsBetter(), r);
    }

    /** Per benchmark key, per metric ({@code ok/s}, {@code p99 (us)}…), one sample per run. */
    private Map<String, Map<String, Series>> collect(List<Path> runs) {
        Map<String, Map<String, Series>> out = new LinkedHashMap<>();
        for (Path run : runs) {
            for (BenchRecord r : BenchRecord.read(BenchRecord.jmhFile(run))) {
                Map<String, Series> m = out.computeIfAbsent(r.key(), k -> new LinkedHashMap<>());
                if (metrics.contains("score")) {
                    add(m, r.primary().unit().equals("ops/s") ? "ok/s" : "score (" + r.primary().unit() + ")", r, r.primary(),
                            r.higherIsBetter());
                }
                for (String name : metrics) {
                    BenchRecord.Metric sm = r.secondary().get(name);
                    if (!name.equals("score") && sm != null) {
                        add(m, name + " (" + sm.unit() + ")", r, sm, false);
                    }
                }
            }
        }
        return out;
    }

    private static void add(Map<String, Series> m, String metric, BenchRecord r, BenchRecord.Metric values, boolean higher) {
        Series s = m.computeIfAbsent(metric, k -> new Series(r.shortName(), higher, new ArrayList<>(), new int[1]));
        s.runs().add(r.undisturbed(values));
        s.forksRecorded()[0] += values.forks().size();
    }

    /**
     * What a comparison decides, and its exit code ({@link Judge#exitCode}): 1 when a metric is slower; 3 when one is
     * neither shown unchanged nor resolved, or is missing on a side (0 instead with {@code allowUnjudged}, said as not
     * judged); else 0. Counts: metrics compared, slower, neither shown unchanged nor resolved, and in the baseline only.
     */
    public record Outcome(int exitCode, long judged, long slower, long unresolved, long missing, String verdict) {
    }

    public static Outcome outcome(List<Line> lines, Judge.Rules rules, boolean allowUnjudged) {
        List<Judge.Change> judged = lines.stream().filter(l -> !l.missing()).map(Line::change).toList();
        long slower = judged.stream().filter(c -> c.verdict() == Judge.Verdict.SLOWER).count();
        long unresolved = judged.stream().filter(c -> Judge.exitCode(List.of(c), rules) == Judge.CANNOT_JUDGE).count();
        long missing = lines.stream().filter(Line::missing).count();
        if (lines.isEmpty()) {
            return new Outcome(Judge.CANNOT_JUDGE, 0, 0, 0, 0,
                    "verdict: cannot judge — the two sides have no benchmark and metric in common (exit 3)");
        }
        int code = missing > 0 ? Math.max(Judge.exitCode(judged, rules), Judge.CANNOT_JUDGE) : Judge.exitCode(judged, rules);
        if (code == 1) {
            return new Outcome(1, judged.size(), slower, unresolved, missing, "verdict: REGRESSION (exit 1)");
        }
        if (code == Judge.CANNOT_JUDGE && !allowUnjudged) {
            return new Outcome(Judge.CANNOT_JUDGE, judged.size(), slower, unresolved, missing, "verdict: cannot judge " + (unresolved + missing)
                    + " metric(s) at the threshold (exit 3; the 'per side' column says how many forks or runs would; "
                    + "--allow-unjudged accepts that)");
        }
        if (code == Judge.CANNOT_JUDGE) {
            // accepted, not passed: say what was left unjudged rather than "no regression"
            return new Outcome(0, judged.size(), slower, unresolved, missing, "verdict: none shown slower, but " + (unresolved + missing)
                    + " of " + lines.size() + " metric(s) not judged (exit 0 only because of --allow-unjudged)");
        }
        return new Outcome(0, judged.size(), slower, unresolved, missing, "verdict: no regression (exit 0)");
    }

    /**
     * The median time of the fixed canary loop over every iteration of the given runs (µs), NaN when not recorded:
     * how fast the machine itself was. A different canary on the two sides means the machine changed speed between
     * them, which moves every figure whatever the code did.
     */
    public static double canaryMicros(List<Path> runs) {
        List<Double> all = new ArrayList<>();
        for (Path run : runs) {
            for (BenchRecord r : BenchRecord.read(BenchRecord.jmhFile(run))) {
                BenchRecord.Metric m = r.secondary().get("noise.canaryUs");
                if (m != null) {
                    for (double v : m.raw()) {
                        all.add(v);
                    }
                }
            }
        }
        return Stats.median(all.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static List<String> defaultMetrics() {
        return Arrays.asList("score", "p50", "p99");
    }
}
