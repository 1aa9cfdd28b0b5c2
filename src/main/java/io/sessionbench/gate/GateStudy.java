package io.sessionbench.gate;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.report.Judge;
import io.sessionbench.text.MarkdownTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The gate's own numbers, from a folder of real gate runs ({@code scripts/gate-study.sh}): A/A runs (one build as both
 * sides) and A/B runs (head slowed by a known amount). It tabulates the real runs' exit codes, then estimates by
 * resampling the collected pairs how the false-alarm rate, the power and the resolution move with the number of
 * rounds, and so with the budget.
 */
public final class GateStudy {
    static final int RESAMPLES = 200;
    static final int[] ROUNDS = {4, 6, 8, 10, 12, 16, 20, 25, 30, 40};

    /** One real gate run of the study: the benchmarks its head slowed (none: A/A), its verdict, minutes of trials. */
    record Run(String name, boolean slowed, GateVerdict verdict, double minutes, List<String> slowedBenchmarks, boolean staged) {
    }

    private GateStudy() {
    }

    public static String analyse(Path dir, List<Trial.Metric> metrics, double threshold, double minChange) throws IOException {
        List<Run> runs = new ArrayList<>();
        Map<Boolean, Map<String, List<Trial[]>>> pairs = new LinkedHashMap<>();
        double roundSeconds = 0;
        int roundsSeen = 0;
        try (var s = Files.list(dir)) {
            for (Path run : s.filter(p -> Files.exists(p.resolve("trials.csv"))).sorted().toList()) {
                List<Trial> trials = Trial.read(run.resolve("trials.csv"));
                boolean slowed = trials.stream().anyMatch(t -> t.slowdownNanos() > 0);
                GateVerdict v = GateVerdict.judge(trials, metrics, threshold, minChange, slowed ? "slowed" : "");
                double seconds = trials.stream().mapToDouble(Trial::seconds).sum();
                runs.add(new Run(run.getFileName().toString(), slowed, v, seconds / 60,
                        trials.stream().filter(t -> t.slowdownNanos() > 0).map(Trial::benchmark).distinct().toList(),
                        trials.stream().anyMatch(t -> t.stage() != Trial.Stage.SINGLE)));
                Map<String, List<Trial[]>> pool = pairs.computeIfAbsent(slowed, k -> new TreeMap<>());
                Map<String, Trial[]> byRound = new LinkedHashMap<>();
                for (Trial t : trials) {
                    byRound.computeIfAbsent(t.round() + "|" + t.benchmark(), k -> new Trial[2])[t.side().ordinal()] = t;
                }
                byRound.values().stream().filter(p -> p[0] != null && p[1] != null)
                        .forEach(p -> pool.computeIfAbsent(p[0].benchmark(), k -> new ArrayList<>()).add(p));
                roundSeconds += seconds;
                roundsSeen += v.rounds();
            }
        }
        if (runs.isEmpty()) {
            throw new ConfigException(dir + " holds no gate runs (folders with trials.csv); run scripts/gate-study.sh");
        }
        if (runs.stream().anyMatch(Run::staged)) {
            return staged(dir, runs, metrics, threshold, minChange);
        }
        double perRound = roundSeconds / Math.max(1, roundsSeen);
        StringBuilder b = new StringBuilder("# The gate's false-alarm rate and power, measured\n\n");
        b.append(String.format(Locale.ROOT, "Threshold %s %%, minimum change %s %%, metrics: %s. A round of all benchmarks took %.0f s "
                        + "of trials on average.%n%n", Gate.seconds(threshold), Gate.seconds(minChange),
                String.join(", ", metrics.stream().map(m -> m.label).toList()), perRound));
        b.append("## Real gate runs\n\n");
        MarkdownTable real = new MarkdownTable().text("run").text("head").number("rounds").number("minutes of trials").number("exit")
                .text("change (interval)").number("resolution");
        for (Run r : runs) {
            for (GateVerdict.Line l : r.verdict().lines()) {
                real.row(r.name(), r.slowed() ? "slowed 15 %" : "same build", r.verdict().rounds(), MarkdownTable.cell("%.1f", r.minutes()),
                        r.verdict().exitCode(), l.benchmark() + " " + l.metric().label + ": " + l.change().interval(), l.change().resolutionText());
            }
        }
        b.append(real);
        b.append('\n');
        for (boolean slowed : new boolean[] {false, true}) {
            List<Run> kind = runs.stream().filter(r -> r.slowed() == slowed).toList();
            if (kind.isEmpty()) {
                continue;
            }
            Map<Integer, Integer> exits = new TreeMap<>();
            kind.forEach(r -> exits.merge(r.verdict().exitCode(), 1, Integer::sum));
            b.append(String.format(Locale.ROOT, "%s: %d run(s); exit 0 in %d, exit 1 in %d, exit 3 in %d; median %.1f minutes of trials.%n%n",
                    slowed ? "A/B (head slowed by 15 %)" : "A/A (one build on both sides)", kind.size(), exits.getOrDefault(0, 0),
                    exits.getOrDefault(1, 0), exits.getOrDefault(3, 0),
                    kind.stream().mapToDouble(Run::minutes).sorted().skip(kind.size() / 2).findFirst().orElse(0)));
            b.append(failedCalls(kind)).append("\n\n");
        }
        b.append("## Resampled: the same pairs, drawn with replacement, as gates of other lengths\n\n");
        MarkdownTable resampled = new MarkdownTable().number("rounds").number("minutes of trials").number("A/A exit 0")
                .number("A/A exit 1 (false alarm)").number("A/A exit 3").number("A/B exit 1 (power)").number("median resolution");
        SplittableRandom rnd = new SplittableRandom(20);
        for (int n : ROUNDS) {
            List<Double> res = new ArrayList<>();
            int[] aa = simulate(pairs.getOrDefault(false, Map.of()), n, metrics, threshold, minChange, rnd, res);
            int[] ab = simulate(pairs.getOrDefault(true, Map.of()), n, metrics, threshold, minChange, rnd, null);
            double medianRes = res.stream().mapToDouble(Double::doubleValue).sorted().skip(res.size() / 2).findFirst().orElse(Double.NaN);
            resampled.row(n, MarkdownTable.cell("%.1f", n * perRound / 60), share(aa, 0), share(aa, 1), share(aa, 3), share(ab, 1),
                    MarkdownTable.cell("%.1f %%", medianRes));
        }
        b.append(resampled);
        b.append("\nEach resampled gate draws its rounds from the pooled pairs of the real runs of its kind (A/A pairs for the "
                + "false alarms, A/B pairs for the power) and is judged exactly as a real gate is.\n");
        return b.toString();
    }

    /**
     * A study of two-stage gates: per run its stages, exit, the benchmarks flagged and judged slower, and its wall time
     * (from the study's {@code exits.csv}); then the A/A exits and, for gates slowing one benchmark, how often the gate
     * exited 1 naming that benchmark and no other. Two-stage gates are not resampled: which benchmarks the confirmation
     * runs depends on the screen's data.
     */
    private static String staged(Path dir, List<Run> runs, List<Trial.Metric> metrics, double threshold, double minChange)
            throws IOException {
        Map<String, Double> wall = new LinkedHashMap<>();
        Path exits = dir.resolve("exits.csv");
        if (Files.exists(exits)) {
            for (String line : Files.readAllLines(exits).stream().skip(1).toList()) {
                String[] f = line.split(",");
                if (f.length >= 4) {
                    wall.put(f[0] + "-" + String.format(Locale.ROOT, "%02d", Integer.parseInt(f[1])), Double.parseDouble(f[3]) / 60);
                }
            }
        }
        StringBuilder b = new StringBuilder("# The gate's false-alarm rate and power, measured (two stages)\n\n");
        b.append(String.format(Locale.ROOT, "Threshold %s %%, minimum change %s %%, metrics: %s; screen at %.0f %% one-sided per line "
                        + "with noise pooled, confirmation at 5 %% shared by the flagged lines.%n%n", Gate.seconds(threshold),
                Gate.seconds(minChange), String.join(", ", metrics.stream().map(m -> m.label).toList()), 100 * GateVerdict.SCREEN_ALPHA));
        MarkdownTable t = new MarkdownTable().text("run").text("head").number("screen rounds").number("confirm rounds")
                .number("minutes of trials").number("minutes wall").number("exit").text("flagged").text("judged slower");
        for (Run r : runs) {
            Double w = wall.get(r.name().replaceFirst("^[^_]*_[^_]*_", "").replace("-slowed", ""));
            t.row(r.name(), r.slowedBenchmarks().isEmpty() ? "same build" : "slowed 15 % in " + String.join(", ", r.slowedBenchmarks()),
                    r.verdict().rounds(), r.verdict().confirmRounds(), MarkdownTable.cell("%.1f", r.minutes()),
                    w == null ? "–" : MarkdownTable.cell("%.1f", w), r.verdict().exitCode(), String.join(", ", r.verdict().flagged()),
                    String.join(", ", r.verdict().regressed()));
        }
        b.append(t).append('\n');
        List<Run> aa = runs.stream().filter(r -> !r.slowed()).toList();
        List<Run> ab = runs.stream().filter(Run::slowed).toList();
        if (!aa.isEmpty()) {
            Map<Integer, Integer> exitsAa = new TreeMap<>();
            aa.forEach(r -> exitsAa.merge(r.verdict().exitCode(), 1, Integer::sum));
            b.append(String.format(Locale.ROOT, "A/A (one build on both sides): %d run(s); exit 0 in %d, exit 1 in %d, exit 3 in %d; "
                            + "a line flagged by the screen in %d; median %.1f minutes wall.%n%n", aa.size(), exitsAa.getOrDefault(0, 0),
                    exitsAa.getOrDefault(1, 0), exitsAa.getOrDefault(3, 0), aa.stream().filter(r -> !r.verdict().flagged().isEmpty()).count(),
                    median(aa, wall)));
            b.append(failedCalls(aa)).append("\n\n");
        }
        if (!ab.isEmpty()) {
            long named = ab.stream().filter(r -> r.verdict().exitCode() == 1 && r.verdict().regressed().equals(r.slowedBenchmarks())).count();
            long other = ab.stream().filter(r -> r.verdict().regressed().stream().anyMatch(x -> !r.slowedBenchmarks().contains(x))).count();
            Map<Integer, Integer> exitsAb = new TreeMap<>();
            ab.forEach(r -> exitsAb.merge(r.verdict().exitCode(), 1, Integer::sum));
            b.append(String.format(Locale.ROOT, "One benchmark slowed by 15 %%: %d run(s); exit 1 naming that benchmark and no other in %d; "
                            + "a benchmark not slowed named in %d; exit 0 in %d, exit 3 in %d; median %.1f minutes wall.%n%n", ab.size(), named,
                    other, exitsAb.getOrDefault(0, 0), exitsAb.getOrDefault(3, 0), median(ab, wall)));
        }
        return b.toString();
    }

    private static double median(List<Run> runs, Map<String, Double> wall) {
        double[] v = runs.stream().map(r -> wall.get(r.name().replaceFirst("^[^_]*_[^_]*_", "").replace("-slowed", "")))
                .filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : io.sessionbench.report.Stats.median(v);
    }

    private static String share(int[] counts, int code) {
        int total = counts[0] + counts[1] + counts[3];
        return total == 0 ? "–" : String.format(Locale.ROOT, "%.0f %%", 100.0 * counts[code] / total);
    }

    /** Exit-code counts of {@link #RESAMPLES} gates of {@code n} rounds drawn from {@code pool}; resolutions into {@code res}. */
    private static int[] simulate(Map<String, List<Trial[]>> pool, int n, List<Trial.Metric> metrics, double threshold,
                                  double minChange, SplittableRandom rnd, List<Double> res) {
        int[] counts = new int[4];
        if (pool.isEmpty()) {
            return counts;
        }
        for (int k = 0; k < RESAMPLES; k++) {
            List<Trial> trials = new ArrayList<>();
            for (List<Trial[]> pairs : pool.values()) {
                for (int round = 1; round <= n; round++) {
                    Trial[] p = pairs.get(rnd.nextInt(pairs.size()));
                    trials.add(renumber(p[0], round));
                    trials.add(renumber(p[1], round));
                }
            }
            GateVerdict v = GateVerdict.judge(trials, metrics, threshold, minChange, "");
            counts[v.exitCode()]++;
            if (res != null) {
                v.lines().forEach(l -> res.add(l.change().resolution()));
            }
        }
        return counts;
    }

    /** Counted before speed: how many trials of these gates failed calls, and how many gates the failed-calls rule decided. */
    static String failedCalls(List<Run> kind) {
        List<GateVerdict.Failed> all = kind.stream().flatMap(r -> r.verdict().failed().stream()).toList();
        if (all.stream().noneMatch(GateVerdict.Failed::recorded)) {
            return "Failed calls: not recorded in these trials (trials.csv written before errors_per_s was kept).";
        }
        long decided = kind.stream().filter(r -> r.verdict().failed().stream().anyMatch(GateVerdict.Failed::headOnly)).count();
        return String.format(Locale.ROOT, "Failed calls: in %d of %d base and %d of %d head trials; the failed-calls rule (the head fails "
                        + "calls, the base does not: exit 1) decided %d of %d gates.",
                all.stream().mapToInt(GateVerdict.Failed::baseFailing).sum(), all.stream().mapToInt(GateVerdict.Failed::baseTrials).sum(),
                all.stream().mapToInt(GateVerdict.Failed::headFailing).sum(), all.stream().mapToInt(GateVerdict.Failed::headTrials).sum(),
                decided, kind.size());
    }

    private static Trial renumber(Trial t, int round) {
        return new Trial(round, t.position(), t.side(), t.benchmark(), t.ok(), t.p99(), t.disturbed(), t.seconds(), t.slowdownNanos(),
                t.errors());
    }
}
