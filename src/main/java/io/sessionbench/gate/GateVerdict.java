package io.sessionbench.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.report.Judge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gate's judgement of its trials: per benchmark and metric, each round's base trial paired with the head trial
 * of the same round, judged on their log ratios ({@link Judge#paired}), the false-alarm rate shared by every line.
 * A trial mostly disturbed drops its pair; a line that lost more than half its pairs is {@code disturbed}.
 */
public record GateVerdict(List<Line> lines, Judge.Rules rules, int rounds, String slowdown, List<Failed> failed) {
    public record Line(String benchmark, Trial.Metric metric, double base, double head, int pairs, int dropped, Judge.Change change) {
    }

    /**
     * Failed calls of one benchmark, per side: trials with any, of all, and the mean failed calls per second. A head
     * whose trials failed calls while the base's did not is a regression whatever its speed (correctness first).
     */
    public record Failed(String benchmark, int baseTrials, int baseFailing, double basePerSecond, int headTrials, int headFailing,
                         double headPerSecond, boolean recorded) {
        boolean headOnly() {
            return headFailing > 0 && baseFailing == 0;
        }
    }

    public static GateVerdict judge(List<Trial> trials, List<Trial.Metric> metrics, double thresholdPercent, double minChangePercent,
                                    String slowdown) {
        Map<String, Map<Integer, Trial[]>> byBenchmark = new LinkedHashMap<>();
        for (Trial t : trials) {
            byBenchmark.computeIfAbsent(t.benchmark(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(t.round(), k -> new Trial[2])[t.side().ordinal()] = t;
        }
        Judge.Rules rules = Judge.Rules.of(thresholdPercent, minChangePercent, Math.max(1, byBenchmark.size() * metrics.size()));
        List<Line> lines = new ArrayList<>();
        int rounds = 0;
        for (Map.Entry<String, Map<Integer, Trial[]>> e : byBenchmark.entrySet()) {
            for (Trial.Metric m : metrics) {
                List<Judge.Pair> pairs = new ArrayList<>();
                int dropped = 0;
                List<Double> base = new ArrayList<>();
                List<Double> head = new ArrayList<>();
                for (Trial[] pair : e.getValue().values()) {
                    if (pair[0] == null || pair[1] == null) {
                        continue;
                    }
                    double[] b = Judge.undisturbed(pair[0].values(m), pair[0].disturbed());
                    double[] h = Judge.undisturbed(pair[1].values(m), pair[1].disturbed());
                    if (b == null || h == null) {
                        dropped++;
                        continue;
                    }
                    Judge.Pair p = new Judge.Pair(Judge.Sample.fork(b), Judge.Sample.fork(h));
                    pairs.add(p);
                    base.add(p.base().value());
                    head.add(p.head().value());
                }
                rounds = Math.max(rounds, pairs.size() + dropped);
                Judge.Change c = 2 * pairs.size() < pairs.size() + dropped
                        ? Judge.disturbed(pairs.size(), pairs.size() + dropped, m.higherIsBetter)
                        : Judge.paired(pairs, m.higherIsBetter, rules);
                lines.add(new Line(e.getKey(), m, geoMean(base), geoMean(head), pairs.size(), dropped, c));
            }
        }
        List<Failed> failed = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Trial[]>> e : byBenchmark.entrySet()) {
            int[] n = new int[4];
            double[] sum = new double[2];
            boolean recorded = false;
            for (Trial[] pair : e.getValue().values()) {
                for (int side = 0; side < 2; side++) {
                    if (pair[side] != null) {
                        recorded |= pair[side].errors().length > 0;
                        n[2 * side]++;
                        n[2 * side + 1] += pair[side].failedPerSecond() > 0 ? 1 : 0;
                        sum[side] += pair[side].failedPerSecond();
                    }
                }
            }
            failed.add(new Failed(e.getKey(), n[0], n[1], sum[0] / Math.max(1, n[0]), n[2], n[3], sum[1] / Math.max(1, n[2]), recorded));
        }
        return new GateVerdict(lines, rules, rounds, slowdown, failed);
    }

    private static double geoMean(List<Double> v) {
        return Math.exp(v.stream().mapToDouble(Math::log).average().orElse(Double.NaN));
    }

    /** 0 no regression, 1 a regression, 3 a line not resolved to the threshold ({@link Judge#exitCode}). */
    public int exitCode() {
        if (failed.stream().anyMatch(Failed::headOnly)) {
            return 1;
        }
        return lines.isEmpty() ? Judge.CANNOT_JUDGE : Judge.exitCode(lines.stream().map(Line::change).toList(), rules);
    }

    /**
     * What failed, said before any speed: per benchmark with failed calls, "failed calls in X: head 3 of 10 trials
     * (12.5/s on average), base 0 of 10"; when none failed, that it was counted and none did (or that these trials did
     * not record it).
     */
    public String failures() {
        StringBuilder b = new StringBuilder();
        List<Failed> failing = failed.stream().filter(f -> f.baseFailing() + f.headFailing() > 0).toList();
        if (failing.isEmpty() && !failed.isEmpty()) {
            int base = failed.stream().mapToInt(Failed::baseTrials).sum();
            int head = failed.stream().mapToInt(Failed::headTrials).sum();
            return failed.stream().anyMatch(Failed::recorded)
                    ? "failed calls: none, in " + base + " base and " + head + " head trials\n"
                    : "failed calls: not recorded (trials.csv written before errors_per_s was kept)\n";
        }
        for (Failed f : failing) {
            b.append(String.format(Locale.ROOT, "failed calls in %s: head %d of %d trials (%.1f/s on average), base %d of %d (%.1f/s)%s%n",
                    f.benchmark(), f.headFailing(), f.headTrials(), f.headPerSecond(), f.baseFailing(), f.baseTrials(), f.basePerSecond(),
                    f.headOnly() ? ": the head fails calls the base does not, a regression whatever its speed" : ""));
        }
        return b.toString();
    }

    /** The most rounds any line would need for its resolution to reach the threshold. */
    public int roundsNeeded() {
        return lines.stream().mapToInt(l -> l.change().unitsNeeded() < 0 ? Integer.MAX_VALUE : l.change().unitsNeeded()).max().orElse(0);
    }

    /** What the console prints: the failed calls first, then the table, then the decision. */
    public String console() {
        return failures() + table() + "gate: " + summary() + "\n";
    }

    /** The console and Markdown table (fixed-width text inside a code block in Markdown). */
    public String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-13s %-34s %-11s %10s %10s  %-7s %s%n", "verdict",
                "change [interval] (confidence)", "resolution", "base", "head", "pairs", "benchmark · metric"));
        for (Line l : lines) {
            b.append(String.format(Locale.ROOT, "%-13s %-34s %-11s %10.1f %10.1f  %-7s %s%n", l.change().verdict().words(),
                    l.change().interval(), l.change().resolutionText(), l.base(), l.head(),
                    l.pairs() + (l.dropped() > 0 ? "-" + l.dropped() : ""), l.benchmark() + " · " + l.metric().label));
        }
        return b.toString();
    }

    /** One sentence: what the gate decided, and why. */
    public String summary() {
        int code = exitCode();
        String slowed = slowdown.isEmpty() ? "" : " [" + slowdown + "]";
        if (failed.stream().anyMatch(Failed::headOnly)) {
            return "REGRESSION (exit 1): the head build's calls failed where the base's did not, in "
                    + failed.stream().filter(Failed::headOnly).map(Failed::benchmark).toList() + slowed;
        }
        if (code == 1) {
            long n = lines.stream().filter(l -> l.change().verdict() == Judge.Verdict.SLOWER).count();
            return "REGRESSION (exit 1): " + n + " of " + lines.size() + " metric(s) slower beyond doubt and by at least "
                    + fmt(rules.minChangePercent()) + " %" + slowed;
        }
        if (code == Judge.CANNOT_JUDGE) {
            int need = roundsNeeded();
            return String.format(Locale.ROOT, "CANNOT JUDGE (exit 3): %d metric(s) neither shown unchanged within ±%s %% nor "
                            + "resolved to it after %d round(s)%s%s",
                    lines.stream().filter(l -> Judge.exitCode(List.of(l.change()), rules) == Judge.CANNOT_JUDGE).count(),
                    fmt(rules.thresholdPercent()), rounds,
                    need == Integer.MAX_VALUE ? "" : "; about " + need + " rounds would reach it at this noise (--rounds or a longer --budget)",
                    slowed);
        }
        return String.format(Locale.ROOT, "no regression (exit 0): after %d rounds no metric is slower, and each is shown unchanged "
                + "within ±%s %% or resolved to it%s", rounds, fmt(rules.thresholdPercent()), slowed);
    }

    private static String fmt(double v) {
        return new java.text.DecimalFormat("0.#").format(v);
    }

    ObjectNode json() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("exitCode", exitCode());
        root.put("summary", summary());
        root.put("thresholdPercent", rules.thresholdPercent());
        root.put("minChangePercent", rules.minChangePercent());
        root.put("familyAlpha", rules.familyAlpha());
        root.put("confidence", rules.confidence());
        root.put("rounds", rounds);
        root.put("headSlowdown", slowdown.isEmpty() ? null : slowdown);
        // counted before speed: failed calls per benchmark and side (recorded false: trials written before they were kept)
        ArrayNode f = root.putArray("failedCalls");
        for (Failed x : failed) {
            f.addObject().put("benchmark", x.benchmark()).put("recorded", x.recorded())
                    .put("baseTrials", x.baseTrials()).put("baseTrialsFailing", x.baseFailing()).put("basePerSecond", x.basePerSecond())
                    .put("headTrials", x.headTrials()).put("headTrialsFailing", x.headFailing()).put("headPerSecond", x.headPerSecond());
        }
        ArrayNode a = root.putArray("lines");
        for (Line l : lines) {
            Judge.Change c = l.change();
            ObjectNode o = a.addObject();
            o.put("benchmark", l.benchmark());
            o.put("metric", l.metric().label);
            o.put("verdict", c.verdict().words());
            o.put("base", l.base());
            o.put("head", l.head());
            o.put("ratio", c.ratio());
            o.put("low", c.low());
            o.put("high", c.high());
            o.put("resolutionPercent", c.resolution());
            o.put("pairs", l.pairs());
            o.put("droppedPairs", l.dropped());
            o.put("roundsNeeded", c.unitsNeeded());
            o.put("note", c.note());
        }
        return root;
    }
}
