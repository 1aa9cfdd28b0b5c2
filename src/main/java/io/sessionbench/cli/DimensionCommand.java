package io.sessionbench.cli;

import io.sessionbench.run.ResultsFolder;
import io.sessionbench.gate.Dimension;
import io.sessionbench.gate.GateTarget;
import io.sessionbench.gate.Trial;
import io.sessionbench.gate.TrialRunner;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dimension}: where this machine's variance lives, and the repetition counts that follow from it. */
@Command(name = "dimension", mixinStandardHelpOptions = true,
        header = "Measure where the variance lives (runs, forks, iterations) and print the fork and iteration counts it calls for.",
        description = {"Runs --runs runs of --forks forks of each benchmark (a fresh JVM each, benchmarks interleaved in a",
                "random order, no JMH warm-up so the drift shows), --iterations iterations of --iteration-seconds, then prints",
                "per benchmark: the CV within a fork, between forks and between runs, the drift within a fork, the iteration",
                "from which throughput is steady, and the counts (Kalibera & Jones 2013): iterations per fork, forks for",
                "a +-5%% interval, gate rounds for a 15%% slowdown. --analyze reads earlier results instead (a dimension",
                "folder, or JMH JSON files named <condition>_run<N>.json)."})
final class DimensionCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    TargetOptions targetOptions;

    @Option(names = "--analyze", split = ",", paramLabel = "PATH", description = "dimension folders or JMH JSON files to analyse (no run)")
    List<Path> analyze;

    @Option(names = "--benchmarks", split = ",", defaultValue = GateCommand.DEFAULT_BENCHMARKS, paramLabel = "[OP:]LAYOUT[/CLIENT]",
            description = "benchmarks at 2 KB, 1 thread (default ${DEFAULT-VALUE})")
    List<String> benchmarks;

    @Option(names = "--runs", defaultValue = "2", description = "runs (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--forks", defaultValue = "5", description = "forks of each benchmark per run (default ${DEFAULT-VALUE})")
    int forks;

    @Option(names = "--iterations", defaultValue = "12", description = "iterations per fork (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--iteration-seconds", defaultValue = "1", description = "seconds per iteration (default ${DEFAULT-VALUE})")
    double iterationSeconds;

    @Option(names = "--jvm-args", defaultValue = "", paramLabel = "OPTIONS", description = "extra options of every trial JVM, "
            + "space-separated (to compare placements, e.g. -XX:ActiveProcessorCount=1)")
    String jvmArgs;

    @Option(names = "--fork-seconds", description = "with --analyze: a fork's fixed cost (JVM start, setup, JIT warm-up) in seconds (default 7; a run measures it)")
    Double forkSeconds;

    @Option(names = "--label", defaultValue = "dimension", description = "results folder label (default ${DEFAULT-VALUE})")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results (default ${DEFAULT-VALUE})")
    Path resultsRoot;

    @Option(names = "--stack-dir", defaultValue = "target/dimension-stack", description = "folder for the local servers (default ${DEFAULT-VALUE})")
    Path stackDir;

    @Override
    public Integer call() throws Exception {
        if (!(iterationSeconds >= 0.1 && iterationSeconds <= 60)) {
            throw new ConfigException("--iteration-seconds must be between 0.1 and 60");
        }
        if (forkSeconds != null && !(forkSeconds > 0 && forkSeconds <= 600)) {
            throw new ConfigException("--fork-seconds must be above 0 and at most 600");
        }
        if (analyze != null) {
            List<Path> json = new ArrayList<>();
            List<Dimension.Series> series = new ArrayList<>();
            for (Path p : analyze) {
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
        Limits.range("--runs", runs, 1, 100);
        Limits.range("--forks", forks, 2, 1000);
        Limits.range("--iterations", iterations, 4, 1000);
        List<GateTarget> targets = GateTarget.parseAll(benchmarks);
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
            throw new ConfigException("dimension runs the built jar: java -jar target/benchmarks.jar dimension");
        }
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        targets.forEach(t -> t.target().layout().server().ifPresent(needed::add));
        Path out = ResultsFolder.fresh(resultsRoot, label);
        System.out.printf(Locale.ROOT, "dimension: %d run(s) × %d forks × %d iterations of %s s for %d benchmark(s), into %s%n", runs,
                forks, iterations, iterationSeconds, targets.size(), out);
        Random order = new Random();
        List<Trial> trials = new ArrayList<>();
        try (Targets t = Targets.resolve(targetOptions.settings(), System.getenv(), needed, stackDir, targetOptions.topology(),
                targetOptions.tls);
             TrialRunner runner = new TrialRunner(t, out.resolve("trials"), 0, iterationSeconds, iterations, iterationSeconds,
                     io.sessionbench.gate.TrialRunner.jvmOptions(jvmArgs))) {
            for (int run = 1; run <= runs; run++) {
                int position = 0;
                for (int f = 0; f < forks; f++) {
                    List<GateTarget> shuffled = new ArrayList<>(targets);
                    Collections.shuffle(shuffled, order);
                    for (GateTarget g : shuffled) {
                        Trial trial = runner.run(jar, run, ++position, Trial.Side.BASE, g, 0);
                        trials.add(trial);
                        Trial.append(out.resolve("trials.csv"), trial);
                        System.out.printf(Locale.ROOT, "dimension: run %d · fork %d · %-34s %,10.0f ok/s  %4.1f s%n", run, f + 1,
                                g.label(), io.sessionbench.report.Stats.median(trial.ok()), trial.seconds());
                    }
                }
            }
        }
        double fixed = trials.stream().mapToDouble(x -> x.seconds() - iterations * iterationSeconds).sorted()
                .skip(trials.size() / 2).findFirst().orElse(7);
        print(Dimension.fromTrials(trials, "this machine"), fixed, iterationSeconds, out.resolve("dimension.md"));
        return 0;
    }

    private static void print(List<Dimension.Series> series, double forkSeconds, double iterationSeconds, Path md) throws Exception {
        List<Dimension.Result> results = series.stream().map(s -> Dimension.analyse(s, forkSeconds, iterationSeconds)).toList();
        String table = Dimension.table(results);
        String counts = String.format(Locale.ROOT, "%nCosts: a fork %.1f s beyond its iterations, an iteration %s s. Steady from iteration %d at the "
                        + "latest (median %d); iterations per fork: median %d; forks for ±5 %%: median %d; gate rounds for a 15 %% "
                        + "slowdown at 80 %% power: median %d, most %d.%n", forkSeconds, io.sessionbench.gate.Gate.seconds(iterationSeconds),
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

    private static int median(List<Dimension.Result> rs, java.util.function.ToIntFunction<Dimension.Result> f) {
        int[] v = rs.stream().mapToInt(f).sorted().toArray();
        return v.length == 0 ? 0 : v[v.length / 2];
    }
}
