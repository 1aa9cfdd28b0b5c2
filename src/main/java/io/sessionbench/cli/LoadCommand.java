package io.sessionbench.cli;

import io.sessionbench.run.OpenLoopRun;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.loadgen.RateSweep;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.ScenarioLoader;
import io.sessionbench.store.Layout;
import io.sessionbench.store.redis.RedisClientKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code load SCENARIO…}: open-loop runs (fixed rate or sweep) of scenario files; Ctrl-C keeps partial results. */
@Command(name = "load", mixinStandardHelpOptions = true,
        header = "Run scenario files open-loop at a request rate (or a sweep of rates) and report corrected latency.",
        description = {"Run scenario files at a constant (or Poisson) request rate, recording latency from the intended",
                "start (corrected) and from the send (uncorrected); sweeps step the rate up until the P99 objective breaks."})
final class LoadCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SCENARIO", arity = "1..*", description = "scenario files, e.g. scenarios/auth-read-heavy.yaml")
    List<Path> scenarios;

    @Mixin
    TargetOptions targets;

    @Option(names = "--layouts", split = ",", completionCandidates = TargetOptions.LayoutLabels.class,
            description = "override the scenarios' layouts (${COMPLETION-CANDIDATES})")
    List<String> layouts;

    @Option(names = "--rate", description = "override: one fixed rate in requests per second")
    Double rate;

    @Option(names = "--duration", description = "override the measured duration, e.g. 30s")
    String duration;

    @Option(names = "--warmup", description = "override the warm-up, e.g. 5s")
    String warmup;

    @Option(names = "--connections", description = "override connections (worker threads, pool size)")
    Integer connections;

    @Option(names = "--updates", description = "override the scenario's update mode: safe (compare-and-set) or naive")
    String updates;

    @Option(names = "--clients", split = ",", paramLabel = "CLIENT", completionCandidates = TargetOptions.ClientLabels.class,
            description = "override the scenarios' Redis clients (${COMPLETION-CANDIDATES})")
    List<String> clients;

    @Option(names = "--appendfsync", paramLabel = "MODE", description = "override the scenarios' durability: off (no AOF), everysec "
            + "or always, set on every local Redis node before the run")
    String appendfsync;

    @Option(names = "--min-replicas-to-write", paramLabel = "N", description = "override the scenarios' durability: a primary "
            + "refuses writes unless N replicas are connected (0-2)")
    Integer minReplicas;

    @Option(names = "--wait-replicas", paramLabel = "N", description = "override the scenarios' durability: follow every data "
            + "write with WAIT N 1000 and fail it when fewer replicas acknowledged it (Lettuce, standalone or Sentinel; 0-2)")
    Integer waitReplicas;

    @Option(names = "--allow-faults-on-target", description = "let a scenario's command faults (failover, pause, durability) act on "
            + "a Redis target you gave; process faults (kill-primary, restart, stall) act only on local servers")
    boolean allowFaultsOnTarget;

    @Option(names = "--label", description = "results folder label (default: the scenario names)")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results")
    Path resultsRoot;

    @Option(names = "--generator", paramLabel = "I/N", description = "be generator I of N (0-based) sharing one schedule: "
            + "this process runs every N-th request of the scenario's schedule at the total rate; needs --start-at and "
            + "--sessions-dir; 'merge' joins the N results folders")
    String generator;

    @Option(names = "--start-at", paramLabel = "INSTANT", description = "start the schedule at this UTC instant "
            + "(ISO-8601, e.g. 2026-11-28T21:00:00Z), shared by all generators; each rate step of a sweep starts "
            + "warm-up + duration + 5 s after the previous one")
    String startAt;

    @Option(names = "--sessions-dir", paramLabel = "DIR", description = "preloaded sessions shared by generators: "
            + "read from DIR (generator 0 preloads and writes them when absent; the others wait for the file until "
            + "--start-at)")
    Path sessionsDir;

    @Option(names = "--preload-only", description = "preload the scenarios' sessions into --sessions-dir once, then stop "
            + "(before starting N generators)")
    boolean preloadOnly;

    @Option(names = "--stack-dir", defaultValue = "target/stack", description = "folder for local servers")
    Path stackDir;

    private RateSweep.Sharing sharing;

    /** {@code --generator}, {@code --start-at}, {@code --sessions-dir} and {@code --preload-only}, checked together. */
    RateSweep.Sharing sharing() {
        return RateSweep.Sharing.of(generator, startAt, sessionsDir, preloadOnly);
    }

    /** Checks every override and every scenario (with the overrides applied) before anything starts. */
    private List<Scenario> validate() {
        targets.topology();
        targets.keys();
        targets.clusterSettings();
        sharing = sharing();
        Limits.range("--rate", rate, 1, 10_000_000);
        Limits.range("--connections", connections, 1, ScenarioLoader.MAX_CONNECTIONS);
        if (duration != null && io.sessionbench.infra.Durations.of("--duration", duration).toMillis() < 1000) {
            throw new ConfigException("--duration " + duration + " is too short; measure for 1s or more, e.g. 30s");
        }
        if (warmup != null) {
            io.sessionbench.infra.Durations.of("--warmup", warmup);
        }
        Scenario.Updates mode = null;
        if (updates != null) {
            try {
                mode = Scenario.Updates.of(updates);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--" + e.getMessage());
            }
        }
        if (appendfsync != null && !List.of("off", "everysec", "always").contains(appendfsync)) {
            throw new ConfigException("--appendfsync " + appendfsync + " is not a mode; use off, everysec or always");
        }
        Limits.range("--min-replicas-to-write", minReplicas, 0, 2);
        Limits.range("--wait-replicas", waitReplicas, 0, 2);
        List<Scenario> loaded = new ArrayList<>();
        for (Path p : scenarios) {
            Scenario s = ScenarioLoader.load(p);
            if (mode != null) {
                s = s.withUpdates(mode);
            }
            if (appendfsync != null || minReplicas != null || waitReplicas != null) {
                Scenario.Durability d = s.durability() == null ? new Scenario.Durability(null, null, null) : s.durability();
                s = s.withDurability(new Scenario.Durability(appendfsync != null ? appendfsync : d.appendfsync(),
                        minReplicas != null ? minReplicas : d.minReplicasToWrite(), waitReplicas != null ? waitReplicas : d.waitReplicas()));
            }
            if (connections != null) {
                ScenarioLoader.checkResources(p + " with --connections " + connections, s, connections);
            }
            loaded.add(s);
        }
        return loaded;
    }

    @Override
    public Integer call() throws Exception {
        List<Scenario> loaded = validate();
        return new OpenLoopRun(new OpenLoopRun.Settings(targets.targeting(), loaded,
                layouts == null ? null : layouts.stream().map(Layout::of).toList(),
                clients == null ? null : clients.stream().map(RedisClientKind::of).toList(), overrides(), sharing,
                startAt, label, resultsRoot, stackDir, allowFaultsOnTarget)).call();
    }

    private RateSweep.Overrides overrides() {
        return new RateSweep.Overrides(rate, connections, warmup == null ? null : io.sessionbench.infra.Durations.of("--warmup", warmup).toNanos(),
                duration == null ? null : io.sessionbench.infra.Durations.of("--duration", duration).toNanos(), targets.keys(), targets.clusterSettings());
    }
}
