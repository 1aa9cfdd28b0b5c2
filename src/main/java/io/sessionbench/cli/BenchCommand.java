package io.sessionbench.cli;

import io.sessionbench.run.BenchRun;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: runs a profile's JMH benchmarks against the targets (or the local stack) and writes the results. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Benchmark every session store (local servers, or yours) and write a results folder that opens with the verdict.",
        description = {"Run the session benchmarks and write results/<date>_<label>/ with JMH JSON, .hlog/.hgrm, env.json,",
                "summary.csv, report.md and report.html. Servers without a target are started locally and stopped after."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    TargetOptions targets;

    @Option(names = "--profile", defaultValue = "quick", description = "quick (39 benchmarks, 3 forks each in interleaved rounds, about 10 min on 2 cores with the build; see the README) or full (hours; for publication); default ${DEFAULT-VALUE}")
    String profile;

    @Option(names = "--label", description = "results folder label (default: the profile name)")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results (default ${DEFAULT-VALUE})")
    Path resultsRoot;

    @Option(names = "--layouts", split = ",", paramLabel = "LAYOUT", completionCandidates = TargetOptions.LayoutLabels.class,
            description = "only these layouts (${COMPLETION-CANDIDATES})")
    List<String> layouts;

    @Option(names = "--benchmarks", paramLabel = "REGEX", description = "only benchmark methods matching, e.g. 'request|load'")
    String benchmarks;

    @Option(names = "--forks", description = "override the profile's forks")
    Integer forks;

    @Option(names = "--iterations", description = "override measurement iterations")
    Integer iterations;

    @Option(names = "--iteration-seconds", description = "override seconds per warm-up and measurement iteration (0.1 to 3600, e.g. 0.5)")
    Double seconds;

    @Option(names = "--warmup-iterations", description = "override warm-up iterations")
    Integer warmups;

    @Option(names = "--live-sessions", description = "sessions preloaded per trial (default 10000; runs that fix their own, like the contention runs, keep theirs)")
    Integer liveSessions;

    @Option(names = "--threads", description = "benchmark threads per run (default: the profile's)")
    Integer threads;

    @Option(names = "--stack-dir", defaultValue = "target/stack", description = "folder for local servers (default ${DEFAULT-VALUE})")
    Path stackDir;

    @Option(names = "--footprint", negatable = true, description = "measure what a session costs to keep (server memory per "
            + "session, encoding, server CPU per request, capacity) before the benchmarks; on by default in the quick profile "
            + "(--no-footprint leaves it out); see also the 'footprint' command")
    Boolean footprint;

    @Option(names = "--pin", description = "pin the local servers to the last core and the benchmark JVMs to the others "
            + "(measured on 2 cores: steadier Lettuce and Jedis figures, but JIT and client I/O threads share one core, "
            + "so Redisson and spymemcached slow down and the run takes longer)")
    boolean pin;

    /** Range checks of every numeric option, before anything starts. */
    private void validate() {
        targets.topology();
        targets.keys();
        targets.clusterSettings();
        Limits.range("--forks", forks, 0, 100);
        Limits.range("--iterations", iterations, 1, 1000);
        Limits.range("--iteration-seconds", seconds, 0.1, 3600);
        Limits.range("--warmup-iterations", warmups, 0, 1000);
        Limits.range("--live-sessions", liveSessions, 1, io.sessionbench.bench.BenchParams.MAX_LIVE_SESSIONS);
        Limits.range("--threads", threads, 1, 1024);
        if (benchmarks != null) {
            try {
                java.util.regex.Pattern.compile(benchmarks);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new io.sessionbench.infra.ConfigException("--benchmarks '" + benchmarks + "' is not a regular expression ("
                        + e.getDescription() + "); give method names such as 'request|load'");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        return new BenchRun(new BenchRun.Settings(targets.targeting(), BenchRun.profileOf(profile), label, resultsRoot,
                layouts == null ? null : layouts.stream().map(io.sessionbench.store.Layout::of).toList(), benchmarks, forks, iterations, seconds, warmups, liveSessions, threads, stackDir, pin,
                footprint)).call();
    }
}
