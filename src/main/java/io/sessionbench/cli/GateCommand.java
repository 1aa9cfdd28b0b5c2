package io.sessionbench.cli;

import io.sessionbench.gate.Gate;
import io.sessionbench.gate.GateTarget;
import io.sessionbench.gate.GateVerdict;
import io.sessionbench.gate.Trial;
import io.sessionbench.infra.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gate --base BASE.jar --head HEAD.jar}: the regression gate of a pull request, both builds on this machine. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        header = "Run a base and a head build interleaved on this machine and judge the head; exit 1 on a regression.",
        description = {"Two stages. The screen runs rounds of every benchmark, each round every benchmark once on each build",
                "(one JMH fork per trial) in a random order, and judges each base trial paired with the head trial of its",
                "round, the noise pooled across benchmarks; it passes a benchmark whose 80%% one-sided bound excludes a",
                "slowdown of --threshold and flags the rest (slower at 10%% one-sided, or not clear of the threshold). The",
                "confirmation runs fresh rounds of the flagged ones only and judges them on those pairs.",
                "The screen gets 60%% of --budget, the confirmation the rest. Per benchmark and metric it prints the stage,",
                "the change, its interval, the verdict and the resolution (smallest slowdown caught with 80%% power at the",
                "noise seen), and the gate's false-alarm rate. Trials and verdict go to a",
                "results folder (trials.csv, gate.md, gate.json, env.json). 'gate --analyze DIR' judges a folder again.",
                "Exit codes: 0 no regression, 1 a regression (or the head build's benchmark failed), 2 bad usage,",
                "3 a metric neither shown unchanged within +-threshold nor resolved to it (it says how many rounds would do)."})
final class GateCommand implements Callable<Integer> {
    /**
     * The default benchmarks: {@code request} on every store layout (Lettuce for Redis) and on redis-hash with the other
     * two Redis clients; docs/gate.md gives the study of this default.
     */
    static final String DEFAULT_BENCHMARKS = "redis-hash/lettuce,redis-json/lettuce,redis-blob/lettuce,memcached-blob,postgres,"
            + "redis-hash/jedis,redis-hash/redisson";
    /** Trial JVM options chosen by the dimensioning study (docs/gate.md). */
    static final String DEFAULT_JVM_ARGS = "-XX:ActiveProcessorCount=1";

    @picocli.CommandLine.Mixin
    TargetOptions targetOptions;

    @Option(names = "--base", paramLabel = "JAR", description = "the base build's target/benchmarks.jar")
    Path base;

    @Option(names = "--head", paramLabel = "JAR", description = "the head build's target/benchmarks.jar (the same jar as --base: an A/A run)")
    Path head;

    @Option(names = "--analyze", paramLabel = "DIR", description = "judge an earlier gate's results folder again (no run)")
    Path analyze;

    @Option(names = "--study", paramLabel = "DIR", description = "tabulate a folder of gate runs (scripts/gate-study.sh): exit "
            + "codes, and false alarms, power and resolution by rounds from resampling their trials")
    Path study;

    @Option(names = "--benchmarks", split = ",", defaultValue = DEFAULT_BENCHMARKS, paramLabel = "[OP:]LAYOUT[/CLIENT]",
            description = "benchmarks at 2 KB, 1 thread (default ${DEFAULT-VALUE}; operation request unless given, e.g. load:postgres)")
    List<String> benchmarks;

    @Option(names = "--metrics", split = ",", defaultValue = "ok", description = "metrics judged: ok (successful calls/s), p99 (default ${DEFAULT-VALUE})")
    List<String> metrics;

    @Option(names = "--budget", defaultValue = "11m", description = "machine time for the rounds, e.g. 8m, 900s (default ${DEFAULT-VALUE})")
    String budget;

    @Option(names = "--rounds", description = "a fixed number of rounds per stage instead of a budget")
    Integer rounds;

    @Option(names = "--warmup-iterations", defaultValue = "1", description = "JMH warm-up iterations per trial (default ${DEFAULT-VALUE})")
    int warmups;

    @Option(names = "--iterations", defaultValue = "4", description = "measurement iterations per trial (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--iteration-seconds", defaultValue = "0.5", description = "seconds per warm-up and measurement iteration (default ${DEFAULT-VALUE})")
    double iterationSeconds;

    @Option(names = "--threshold", defaultValue = "15", description = "the slowdown the gate must be able to catch, percent (default ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--min-change", defaultValue = "5", description = "smaller slowdowns are not called regressions, percent (default ${DEFAULT-VALUE})")
    double minChange;

    @Option(names = "--head-slowdown", paramLabel = "P%[:BENCHMARK]", description = "STUDY ONLY: add to each measured call of the "
            + "head build a fixed cost of P%% of that call's time in the first base trial, to measure the gate's power; with "
            + ":BENCHMARK (one of --benchmarks, e.g. 15%%:postgres) in that benchmark only")
    String headSlowdown;

    @Option(names = "--jvm-args", defaultValue = DEFAULT_JVM_ARGS, paramLabel = "OPTIONS", description = "extra options of every "
            + "trial JVM, space-separated (default '${DEFAULT-VALUE}': see docs/gate.md; '' for none)")
    String jvmArgs;

    @Option(names = "--seed", description = "seed of the random order (default: drawn, and recorded)")
    Long seed;

    @Option(names = "--label", defaultValue = "gate", description = "results folder label (default ${DEFAULT-VALUE})")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results (default ${DEFAULT-VALUE})")
    Path resultsRoot;

    @Option(names = "--stack-dir", defaultValue = "target/gate-stack", description = "folder for the local servers (default ${DEFAULT-VALUE})")
    Path stackDir;

    @Override
    public Integer call() throws Exception {
        List<Trial.Metric> ms = metrics.stream().map(Trial.Metric::of).distinct().toList();
        if (threshold <= 0 || minChange < 0 || minChange >= threshold) {
            throw new ConfigException("--threshold must be above 0 percent and --min-change between 0 and the threshold");
        }
        if (study != null) {
            System.out.print(io.sessionbench.gate.GateStudy.analyse(study, ms, threshold, minChange));
            return 0;
        }
        if (analyze != null) {
            Path csv = analyze.resolve("trials.csv");
            GateVerdict v = GateVerdict.judge(Trial.read(csv), ms, threshold, minChange, slowdownOf(csv));
            System.out.print(v.console());
            return v.exitCode();
        }
        if (base == null || head == null) {
            throw new ConfigException("gate needs --base BASE.jar and --head HEAD.jar (or --analyze DIR)");
        }
        List<GateTarget> targets = GateTarget.parseAll(benchmarks);
        Duration b = io.sessionbench.infra.Durations.of("--budget", budget);
        Limits.range("--rounds", rounds, 2, 1000);
        Limits.range("--warmup-iterations", warmups, 0, 100);
        Limits.range("--iterations", iterations, 2, 100);
        if (!(iterationSeconds >= 0.1 && iterationSeconds <= 60)) {
            throw new ConfigException("--iteration-seconds must be between 0.1 and 60");
        }
        if (rounds == null) {
            // two rounds are the fewest a verdict rests on; a trial costs its iterations plus a fork's fixed seconds
            double trial = warmups * iterationSeconds + iterations * iterationSeconds + io.sessionbench.gate.Trial.FIXED_SECONDS;
            long least = (long) Math.ceil(2 * 2 * targets.size() * trial / Gate.SCREEN_SHARE);
            if (b.toSeconds() < least) {
                throw new ConfigException(String.format(java.util.Locale.ROOT, "--budget %s cannot hold the 2 screen rounds a "
                        + "verdict needs in its %.0f %% share (%d trials of about %.0f s each); give --budget %ds at least, or --rounds",
                        budget, 100 * Gate.SCREEN_SHARE, 2 * 2 * targets.size(), trial, least));
            }
        }
        String[] slowdownParts = headSlowdown == null ? new String[] {null} : headSlowdown.split(":", 2);
        double slowdown = io.sessionbench.gate.TrialRunner.percent("--head-slowdown", slowdownParts[0]);
        GateTarget slowedOnly = slowdownParts.length < 2 ? null : slowedTarget(slowdownParts[1], targets);
        Gate.checkJar(base, "base");
        Gate.checkJar(head, "head");
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        Gate.Settings settings = new Gate.Settings(base.toAbsolutePath(), head.toAbsolutePath(), targets, ms, b, rounds, warmups,
                iterationSeconds, iterations, iterationSeconds, threshold, minChange, slowdown, slowedOnly, s,
                io.sessionbench.gate.TrialRunner.jvmOptions(jvmArgs));
        return io.sessionbench.run.GateRun.call(settings, targetOptions.targeting(), stackDir, resultsRoot, label);
    }

    /** The benchmark named after {@code --head-slowdown P%:}, which must be one the gate runs. */
    private static GateTarget slowedTarget(String text, List<GateTarget> targets) {
        GateTarget g = GateTarget.parse(text);
        if (!targets.contains(g)) {
            throw new ConfigException("--head-slowdown: '" + text + "' is not one of the gate's benchmarks ("
                    + String.join(", ", targets.stream().map(GateTarget::label).toList()) + "); name one of them or add it to --benchmarks");
        }
        return g;
    }

    /** The slowdown words of a folder's trials (a study's slowed runs say so when judged again, naming what was slowed). */
    private static String slowdownOf(Path csv) {
        List<String> slowed = Trial.read(csv).stream().filter(t -> t.slowdownNanos() > 0).map(Trial::benchmark).distinct().toList();
        return slowed.isEmpty() ? "" : "STUDY ONLY: head slowed by a fixed cost per call in " + String.join(", ", slowed) + " (--head-slowdown)";
    }
}
