package io.sessionbench.cli;

import io.sessionbench.gate.GateTarget;
import io.sessionbench.gate.TrialRunner;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.run.DimensionRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            return DimensionRun.analyse(analyze, forkSeconds, iterationSeconds);
        }
        Limits.range("--runs", runs, 1, 100);
        Limits.range("--forks", forks, 2, 1000);
        Limits.range("--iterations", iterations, 4, 1000);
        List<GateTarget> targets = GateTarget.parseAll(benchmarks);
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
            throw new ConfigException("dimension runs the built jar: java -jar target/benchmarks.jar dimension");
        }
        return DimensionRun.measure(new DimensionRun.Settings(targets, runs, forks, iterations, iterationSeconds,
                TrialRunner.jvmOptions(jvmArgs)), jar, targetOptions.targeting(), stackDir, resultsRoot, label);
    }
}
