package io.sessionbench.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.report.Judge;
import io.sessionbench.report.NoisePrior;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gate's judgement of its trials, per benchmark and metric, each round's base trial paired with the head trial of
 * the same round and the pairs' log ratios judged; a trial mostly disturbed drops its pair, a line that lost more than
 * half its pairs is {@code disturbed}.
 * <p>Two stages. The <b>screen</b> judges every benchmark with the variance of its pairs moderated toward a prior
 * fitted to all benchmarks' pairs ({@link Judge#pairedModerated}, limma's moderated t) at a lenient
 * {@link #SCREEN_ALPHA} one-sided, and passes a line whose one-sided {@code 1 − MISS} bound excludes a slowdown of the
 * threshold (so a line truly that much slower passes in at most {@link #MISS} of gates); it flags the others. The
 * <b>confirmation</b> judges the flagged lines on fresh rounds alone (the screen chose them by their intervals), the
 * screen's prior lending its degrees of freedom, the usual 5 % shared by the flagged lines: slower, or passed by the same
 * bound, or undecided (exit 3). Identical builds then fail a gate at most in 5 % of runs ({@link #falseAlarmBound}).
 * Trials of a one-stage gate (written before the gate had two) are judged as they were,
 * each line on its own pairs ({@link Judge#paired}), the 5 % shared by every line.
 */
public record GateVerdict(List<Line> lines, Judge.Rules rules, int rounds, int confirmRounds, String slowdown, List<Failed> failed) {
    /** The screen's one-sided false-alarm rate per line: lenient, since a flag only buys confirmation rounds. */
    public static final double SCREEN_ALPHA = 0.10;
    /**
     * The most often a line truly slower by the threshold is passed (as 80 % power promises): a line is decided "not
     * slower" when its one-sided {@code 1 − MISS} bound excludes a slowdown of the threshold.
     */
    public static final double MISS = 0.20;

    /**
     * One benchmark and metric: the judged change and the stage that decided it ({@code SCREEN}: cleared by the
     * screen; {@code CONFIRM}: flagged by the screen, {@code screen} its screen change, and judged on the confirmation's
     * pairs; {@code SINGLE}: a one-stage gate), and what its variance was pooled from.
     */
    public record Line(String benchmark, Trial.Metric metric, double base, double head, int pairs, int dropped, Judge.Change change,
                       Trial.Stage stage, Judge.Change screen, String noise, String words, boolean decided) {
        Line(String benchmark, Trial.Metric metric, double base, double head, int pairs, int dropped, Judge.Change change) {
            this(benchmark, metric, base, head, pairs, dropped, change, Trial.Stage.SINGLE, null, "", change.verdict().words(), true);
        }

        /** This line's verdict in words: the judgement's, but a line the screen cleared is "faster" only at the 5 % rate. */
        public String words() {
            return words == null ? change.verdict().words() : words;
        }

        /** Why the screen flagged this line: slower at the screen's level, or not resolved to the threshold. */
        public String flagReason() {
            if (screen == null) {
                return "";
            }
            return screen.verdict() == Judge.Verdict.SLOWER ? "slower at the screen's 10 % level, " + screen.interval()
                    : screen.verdict() == Judge.Verdict.DISTURBED ? "disturbed in the screen"
                    : "the screen could not rule out a slowdown of the threshold at 80 %, " + screen.interval();
        }
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

    /** One line's pairs: usable pairs, dropped (mostly disturbed) ones, and each side's values. */
    private record Paired(List<Judge.Pair> pairs, int dropped, List<Double> base, List<Double> head) {
        boolean disturbed() {
            return 2 * pairs.size() < pairs.size() + dropped;
        }

        double[] logRatios() {
            return Judge.logRatios(pairs);
        }
    }

    public static GateVerdict judge(List<Trial> trials, List<Trial.Metric> metrics, double thresholdPercent, double minChangePercent,
                                    String slowdown) {
        boolean staged = trials.stream().anyMatch(t -> t.stage() != Trial.Stage.SINGLE);
        Map<String, Map<Integer, Trial[]>> screen = byBenchmark(trials.stream().filter(t -> t.stage() != Trial.Stage.CONFIRM).toList());
        Map<String, Map<Integer, Trial[]>> confirm = byBenchmark(trials.stream().filter(t -> t.stage() == Trial.Stage.CONFIRM).toList());
        List<Line> lines = new ArrayList<>();
        Judge.Rules rules;
        if (!staged) {
            rules = Judge.Rules.of(thresholdPercent, minChangePercent, Math.max(1, screen.size() * metrics.size()));
            for (Map.Entry<String, Map<Integer, Trial[]>> e : screen.entrySet()) {
                for (Trial.Metric m : metrics) {
                    Paired p = pairs(e.getValue(), m);
                    Judge.Change c = p.disturbed() ? Judge.disturbed(p.pairs().size(), p.pairs().size() + p.dropped(), m.higherIsBetter)
                            : Judge.paired(p.pairs(), m.higherIsBetter, rules);
                    lines.add(new Line(e.getKey(), m, geoMean(p.base()), geoMean(p.head()), p.pairs().size(), p.dropped(), c));
                }
            }
        } else {
            Judge.Rules screenRules = new Judge.Rules(thresholdPercent, 0, SCREEN_ALPHA, 1);
            List<Line> screened = new ArrayList<>();
            Map<Trial.Metric, NoisePrior> priors = new LinkedHashMap<>();
            for (Trial.Metric m : metrics) {
                Map<String, Paired> byName = new LinkedHashMap<>();
                screen.forEach((name, rounds) -> byName.put(name, pairs(rounds, m)));
                NoisePrior prior = NoisePrior.fit("gate " + m.label, byName.values().stream().map(Paired::logRatios).toList());
                priors.put(m, prior);
                Judge.Rules strict = Judge.Rules.of(thresholdPercent, minChangePercent, Math.max(1, screen.size() * metrics.size()));
                byName.forEach((name, p) -> {
                    Judge.Change c = p.disturbed() ? Judge.disturbed(p.pairs().size(), p.pairs().size() + p.dropped(), m.higherIsBetter)
                            : Judge.pairedModerated(p.pairs(), prior, m.higherIsBetter, screenRules);
                    boolean cleared = c.verdict() != Judge.Verdict.SLOWER && !p.disturbed()
                            && notSlowerBy(p.pairs(), prior, m.higherIsBetter, thresholdPercent);
                    screened.add(new Line(name, m, geoMean(p.base()), geoMean(p.head()), p.pairs().size(), p.dropped(), c,
                            Trial.Stage.SCREEN, c, prior.describe(p.pairs().size()).replace("forks", "pairs"),
                            screenWords(c, p.disturbed() ? c : Judge.pairedModerated(p.pairs(), prior, m.higherIsBetter, strict)), cleared));
                });
            }
            List<Line> flagged = screened.stream().filter(l -> !l.decided()).toList();
            rules = Judge.Rules.of(thresholdPercent, minChangePercent, Math.max(1, flagged.size()));
            for (Line l : screened) {
                if (!flagged.contains(l)) {
                    lines.add(l);
                    continue;
                }
                // A flagged line is judged on the confirmation's pairs alone: the screen chose it by where its interval lay
                // (slower, or not clear of the threshold), so its screen pairs lean that way. Only a line flagged because most
                // of its screen pairs were disturbed from outside, a choice that says nothing of its mean, keeps them.
                boolean bySign = l.change().verdict() != Judge.Verdict.DISTURBED;
                Map<Integer, Trial[]> rounds = new LinkedHashMap<>(bySign ? Map.of() : screen.getOrDefault(l.benchmark(), Map.of()));
                rounds.putAll(confirm.getOrDefault(l.benchmark(), Map.of()));
                Paired p = pairs(rounds, l.metric());
                NoisePrior prior = priors.get(l.metric());
                Judge.Change c = p.disturbed() ? Judge.disturbed(p.pairs().size(), p.pairs().size() + p.dropped(), l.metric().higherIsBetter)
                        : Judge.pairedModerated(p.pairs(), prior, l.metric().higherIsBetter, rules);
                // decided: slower (a regression), shown unchanged or faster, or a threshold slowdown excluded at 80 %
                boolean decided = c.verdict() == Judge.Verdict.SLOWER || c.verdict() == Judge.Verdict.NO_CHANGE
                        || c.verdict() == Judge.Verdict.FASTER
                        || (!p.disturbed() && notSlowerBy(p.pairs(), prior, l.metric().higherIsBetter, thresholdPercent));
                lines.add(new Line(l.benchmark(), l.metric(), geoMean(p.base()), geoMean(p.head()), p.pairs().size(), p.dropped(), c,
                        Trial.Stage.CONFIRM, l.change(), (bySign ? "confirmation's " : "screen and confirmation ")
                        + prior.describe(p.pairs().size()).replace("forks", "pairs").replace(" benchmarks", " screened benchmarks"),
                        decided && c.verdict() == Judge.Verdict.INCONCLUSIVE ? "not slower" : c.verdict().words(), decided));
            }
        }
        // regressions first, then what is undecided, then the rest, each in the order run
        lines.sort(java.util.Comparator.comparingInt(l -> switch (l.change().verdict()) {
            case SLOWER -> 0;
            case INCONCLUSIVE, DISTURBED -> 1;
            default -> 2;
        }));
        List<Failed> failed = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Trial[]>> e : byBenchmark(trials).entrySet()) {
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
        return new GateVerdict(lines, rules, roundsOf(screen), roundsOf(confirm), slowdown, failed);
    }

    /**
     * A cleared line's verdict in words: the screen judges at a lenient 10 %, so it calls a line "faster" only when the
     * 5 % shared by every line does too ({@code strict}); otherwise a line not slower and resolved is "not slower".
     */
    static String screenWords(Judge.Change screen, Judge.Change strict) {
        return switch (screen.verdict()) {
            case FASTER -> strict.verdict() == Judge.Verdict.FASTER ? "faster" : "not slower";
            case INCONCLUSIVE -> "not slower";
            default -> screen.verdict().words();
        };
    }

    /**
     * Whether the pairs exclude a slowdown of {@code thresholdPercent} at {@code 1 − MISS} one-sided: then a line truly
     * that much slower is passed in at most {@link #MISS} of gates, as a resolution at 80 % power promises, but decided
     * from the data's own interval rather than from its width alone.
     */
    static boolean notSlowerBy(List<Judge.Pair> pairs, NoisePrior prior, boolean higherIsBetter, double thresholdPercent) {
        Judge.Change c = Judge.pairedModerated(pairs, prior, higherIsBetter, new Judge.Rules(thresholdPercent, 0, MISS, 1));
        if (Double.isNaN(c.low())) {
            return false;
        }
        double limit = 1 + thresholdPercent / 100;
        return higherIsBetter ? c.low() > 1 / limit : c.high() < limit;
    }

    /** The benchmarks the screen flagged (the confirmation's benchmarks), in the order run. */
    public List<String> flagged() {
        return lines.stream().filter(l -> l.stage() == Trial.Stage.CONFIRM).map(Line::benchmark).distinct().toList();
    }

    /** The benchmarks judged slower. */
    public List<String> regressed() {
        return lines.stream().filter(l -> l.change().verdict() == Judge.Verdict.SLOWER).map(Line::benchmark).distinct().toList();
    }

    /**
     * The most often identical builds fail this gate on speed: a line must be flagged and then judged slower by the
     * confirmation, whose 5 % is shared by whatever the screen flagged, so at most 5 % of gates, and less the less
     * the screen flags (the A/A study measures it); NaN for a one-stage gate, whose rate is the 5 % shared by its lines.
     */
    public double falseAlarmBound() {
        if (lines.stream().noneMatch(l -> l.stage() != Trial.Stage.SINGLE)) {
            return Double.NaN;
        }
        return rules.familyAlpha();
    }

    private static Map<String, Map<Integer, Trial[]>> byBenchmark(List<Trial> trials) {
        Map<String, Map<Integer, Trial[]>> by = new LinkedHashMap<>();
        for (Trial t : trials) {
            by.computeIfAbsent(t.benchmark(), k -> new LinkedHashMap<>()).computeIfAbsent(t.round(), k -> new Trial[2])[t.side().ordinal()] = t;
        }
        return by;
    }

    private static int roundsOf(Map<String, Map<Integer, Trial[]>> by) {
        return by.values().stream().mapToInt(rounds -> (int) rounds.values().stream().filter(p -> p[0] != null && p[1] != null).count())
                .max().orElse(0);
    }

    private static Paired pairs(Map<Integer, Trial[]> rounds, Trial.Metric m) {
        List<Judge.Pair> pairs = new ArrayList<>();
        int dropped = 0;
        List<Double> base = new ArrayList<>();
        List<Double> head = new ArrayList<>();
        for (Trial[] pair : rounds.values()) {
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
        return new Paired(pairs, dropped, base, head);
    }

    private static double geoMean(List<Double> v) {
        return Math.exp(v.stream().mapToDouble(Math::log).average().orElse(Double.NaN));
    }

    /** 0 no regression, 1 a regression, 3 a line not resolved to the threshold ({@link Judge#exitCode}). */
    public int exitCode() {
        if (failed.stream().anyMatch(Failed::headOnly)) {
            return 1;
        }
        if (lines.isEmpty()) {
            return Judge.CANNOT_JUDGE;
        }
        if (lines.stream().allMatch(l -> l.stage() == Trial.Stage.SINGLE)) {
            return Judge.exitCode(lines.stream().map(Line::change).toList(), rules);
        }
        return lines.stream().anyMatch(l -> l.change().verdict() == Judge.Verdict.SLOWER) ? 1
                : lines.stream().allMatch(Line::decided) ? 0 : Judge.CANNOT_JUDGE;
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

    /** What the console prints: the failed calls first, then the table, what the screen flagged, then the decision. */
    public String console() {
        return failures() + table() + stages() + "gate: " + summary() + "\n";
    }

    /** The console and Markdown table (fixed-width text inside a code block in Markdown). */
    public String table() {
        boolean staged = lines.stream().anyMatch(l -> l.stage() != Trial.Stage.SINGLE);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-13s %s%-34s %-11s %10s %10s  %-7s %s%n", "verdict",
                staged ? String.format("%-8s ", "stage") : "", "change [interval] (confidence)", "resolution", "base", "head", "pairs",
                "benchmark · metric"));
        for (Line l : lines) {
            b.append(String.format(Locale.ROOT, "%-13s %s%-34s %-11s %10.1f %10.1f  %-7s %s%n", l.words(),
                    staged ? String.format("%-8s ", l.stage().word()) : "", l.change().interval(), l.change().resolutionText(),
                    l.base(), l.head(), l.pairs() + (l.dropped() > 0 ? "-" + l.dropped() : ""), l.benchmark() + " · " + l.metric().label));
        }
        return b.toString();
    }

    /** What the two stages did: rounds, the lines flagged and why, the noise pooled, and the false-alarm rate per gate. */
    public String stages() {
        if (Double.isNaN(falseAlarmBound())) {
            return "";
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "screen: %d round(s) of %d line(s), judged at %.0f %% one-sided "
                        + "with noise pooled (%s); a line passes when a slowdown of the threshold is excluded at %.0f %% one-sided%n",
                rounds, lines.size(), 100 * SCREEN_ALPHA,
                lines.stream().filter(l -> l.stage() == Trial.Stage.SCREEN).map(Line::noise).findFirst()
                        .orElse(lines.get(0).noise()), 100 * (1 - MISS)));
        List<Line> confirmed = lines.stream().filter(l -> l.stage() == Trial.Stage.CONFIRM).toList();
        if (confirmed.isEmpty()) {
            b.append("confirm: nothing flagged, no confirmation rounds\n");
        }
        for (Line l : confirmed) {
            b.append(String.format(Locale.ROOT, "confirm: %s · %s flagged (%s); judged on %d %s pairs: %s%n", l.benchmark(), l.metric().label,
                    l.flagReason(), l.pairs(), l.noise().startsWith("screen and") ? "screen and confirmation" : "fresh confirmation",
                    l.change().verdict().words()));
        }
        b.append(String.format(Locale.ROOT, "false alarms: identical builds fail this gate in at most %.0f %% of runs (a line flagged "
                        + "by the screen, then judged slower on fresh trials by the confirmation, at %.0f %% shared by the flagged lines)%n",
                100 * falseAlarmBound(), 100 * rules.familyAlpha()));
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
            List<Line> slower = lines.stream().filter(l -> l.change().verdict() == Judge.Verdict.SLOWER).toList();
            return "REGRESSION (exit 1) in " + String.join(", ", slower.stream().map(l -> l.benchmark() + " · " + l.metric().label + " "
                    + l.change().interval() + (l.stage() == Trial.Stage.CONFIRM ? " (confirmed)" : "")).toList())
                    + ": " + slower.size() + " of " + lines.size() + " metric(s) slower beyond doubt and by at least "
                    + fmt(rules.minChangePercent()) + " %" + slowed;
        }
        if (code == Judge.CANNOT_JUDGE) {
            int need = roundsNeeded();
            List<Line> open = lines.stream().filter(l -> l.stage() == Trial.Stage.SINGLE
                    ? Judge.exitCode(List.of(l.change()), rules) == Judge.CANNOT_JUDGE : !l.decided()).toList();
            return String.format(Locale.ROOT, "CANNOT JUDGE (exit 3): %d metric(s) neither judged slower nor shown less than %s %% "
                            + "slower after %d round(s)%s (%s)%s%s",
                    open.size(), fmt(rules.thresholdPercent()), rounds,
                    confirmRounds > 0 ? " and " + confirmRounds + " confirmation round(s)" : "",
                    String.join(", ", open.stream().map(l -> l.benchmark() + " · " + l.metric().label).toList()),
                    need == Integer.MAX_VALUE ? "" : "; about " + need + " rounds would reach it at this noise (--rounds or a longer --budget)",
                    slowed);
        }
        return String.format(Locale.ROOT, "no regression (exit 0): after %d rounds%s no metric is slower, and each is shown less "
                + "than %s %% slower%s", rounds, confirmRounds > 0 ? " and " + confirmRounds + " confirmation round(s)" : "",
                fmt(rules.thresholdPercent()), slowed);
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
        root.put("confirmRounds", confirmRounds);
        root.put("falseAlarmBound", Double.isNaN(falseAlarmBound()) ? null : falseAlarmBound());
        flagged().forEach(root.putArray("flagged")::add);
        regressed().forEach(root.putArray("regressed")::add);
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
            o.put("stage", l.stage().word());
            if (l.stage() == Trial.Stage.CONFIRM) {
                o.put("flaggedBecause", l.flagReason());
                o.put("screenRatio", l.screen().ratio());
            }
            o.put("noise", l.noise());
            o.put("verdict", l.words());
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
            o.put("decided", l.decided());
        }
        return root;
    }
}
