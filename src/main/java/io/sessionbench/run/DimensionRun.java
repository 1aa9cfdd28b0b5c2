package io.sessionbench.run;

import io.sessionbench.gate.Dimension;
import io.sessionbench.gate.Gate;
import io.sessionbench.gate.GateTarget;
import io.sessionbench.gate.Trial;
import io.sessionbench.gate.TrialRunner;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.report.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * A {@code dimension} run: runs × forks × iterations of each benchmark (a fresh JVM per trial, benchmarks shuffled
 * within each fork round, every trial appended to {@code trials.csv} as it ends), then the variance per level and the
 * counts that follow ({@link Dimension}); or, with {@link #analyse}, the same figures from earlier results.
 */
public final class DimensionRun {
    /** What to run: benchmarks, repetitions, iteration length, extra JVM options of every trial. */
    public record Settings(List<GateTarget> benchmarks, int runs, int forks, int iterations, double iterationSeconds,
                           List<String> jvmOptions) {
    }

    private DimensionRun() {
    }

    /** Measures on {@code jar}, writes {@code trials.csv} and {@code dimension.md} into a fresh results folder. */
    public static int measure(Settings s, Path jar, Targeting targeting, Path stackDir, Path resultsRoot, String label) throws Exception {
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        s.benchmarks().forEach(t -> t.target().layout().server().ifPresent(needed::add));
        Path out = ResultsFolder.fresh(resultsRoot, label);
        System.out.printf(Locale.ROOT, "dimension: %d run(s) × %d forks × %d iterations of %s s for %d benchmark(s), into %s%n",
                s.runs(), s.forks(), s.iterations(), s.iterationSeconds(), s.benchmarks().size(), out);
        Random order = new Random();
        List<Trial> trials = new ArrayList<>();
        try (Targets t = targeting.resolve(needed, stackDir);
             TrialRunner runner = new TrialRunner(t, out.resolve("trials"), 0, s.iterationSeconds(), s.iterations(),
                     s.iterationSeconds(), s.jvmOptions())) {
            for (int run = 1; run <= s.runs(); run++) {
                int position = 0;
                for (int f = 0; f < s.forks(); f++) {
                    List<GateTarget> shuffled = io.sessionbench.gate.Rounds.shuffled(s.benchmarks(), order);
                    for (GateTarget g : shuffled) {
                        Trial trial = runner.run(jar, run, ++position, Trial.Side.BASE, g, 0);
                        trials.add(trial);
                        Trial.append(out.resolve("trials.csv"), trial);
                        System.out.printf(Locale.ROOT, "dimension: run %d · fork %d · %-34s %,10.0f ok/s  %4.1f s%n", run, f + 1,
                                g.label(), Stats.median(trial.ok()), trial.seconds());
                    }
                }
            }
        }
        double fixed = trials.stream().mapToDouble(x -> x.seconds() - s.iterations() * s.iterationSeconds()).sorted()
                .skip(trials.size() / 2).findFirst().orElse(7);
        print(Dimension.fromTrials(trials, "this machine"), fixed, s.iterationSeconds(), out.resolve("dimension.md"));
        return 0;
    }

    /**
     * The figures from earlier results: dimension folders (their {@code trials.csv}), folders of JMH JSON files named
     * {@code <condition>_run<N>.json}, or such files; {@code forkSeconds} is a fork's fixed cost (7 s when not given).
     */
    public static int analyse(List<Path> paths, Double forkSeconds, double iterationSeconds) throws Exception {
        List<Path> json = new ArrayList<>();
        List<Dimension.Series> series = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new ConfigException(p + " does not exist; give dimension folders or JMH JSON files");
            }
            if (Files.isDirectory(p) && Files.exists(p.resolve("trials.csv"))) {
                series.addAll(Dimension.fromTrials(Trial.read(p.resolve("trials.csv")), p.getFileName().toString()));
            } else if (Files.isDirectory(p)) {
                try (var s = Files.list(p)) {
                    json.addAll(s.filter(f -> f.toString().endsWith(".json") && !f.getFileName().toString().equals("env.json")).toList());
                }
            } else {
                json.add(p);
            }
        }
        series.addAll(Dimension.fromJmh(json));
        print(series, forkSeconds == null ? 7 : forkSeconds, iterationSeconds, null);
        return 0;
    }

    private static void print(List<Dimension.Series> series, double forkSeconds, double iterationSeconds, Path md) throws Exception {
        List<Dimension.Result> results = series.stream().map(s -> Dimension.analyse(s, forkSeconds, iterationSeconds)).toList();
        String table = Dimension.table(results);
        String counts = String.format(Locale.ROOT, "%nCosts: a fork %.1f s beyond its iterations, an iteration %s s. Steady from iteration %d at the "
                        + "latest (median %d); iterations per fork: median %d; forks for ±5 %%: median %d; gate rounds for a 15 %% "
                        + "slowdown at 80 %% power: median %d, most %d.%n", forkSeconds, Gate.seconds(iterationSeconds),
                results.stream().mapToInt(Dimension.Result::steadyFrom).max().orElse(0), median(results, Dimension.Result::steadyFrom),
                median(results, Dimension.Result::iterationsPerFork), median(results, Dimension.Result::forksFor5),
                median(results, Dimension.Result::gatePairsFor15), results.stream().mapToInt(Dimension.Result::gatePairsFor15).max().orElse(0));
        System.out.print(table);
        System.out.print(counts);
        if (md != null) {
            Files.writeString(md, "# Dimensioning: where the variance lives\n\n" + table + counts);
            System.out.println("dimension: written to " + md);
        }
    }

    private static int median(List<Dimension.Result> rs, ToIntFunction<Dimension.Result> f) {
        int[] v = rs.stream().mapToInt(f).sorted().toArray();
        return v.length == 0 ? 0 : v[v.length / 2];
    }
}
