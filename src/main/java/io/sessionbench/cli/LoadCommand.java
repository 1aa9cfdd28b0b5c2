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

    @Mixin
    DurabilityOptions durability;

    @Option(names = "--allow-faults-on-target", description = "let a scenario's command faults (failover, pause, durability) act on "
            + "a Redis target you gave; process faults (kill-primary, restart, stall) act only on local servers")
    boolean allowFaultsOnTarget;

    @Option(names = "--label", description = "results folder label (default: the scenario names)")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results")
    Path resultsRoot;

    @Mixin
    SharingOptions sharingOptions;

    @Option(names = "--stack-dir", defaultValue = "target/stack", description = "folder for local servers")
    Path stackDir;

    private RateSweep.Sharing sharing;

    /** Checks every override and every scenario (with the overrides applied) before anything starts. */
    private List<Scenario> validate() {
        targets.topology();
        targets.keys();
        targets.clusterSettings();
        sharing = sharingOptions.sharing();
        io.sessionbench.loadgen.LocalClock.skewMillis(); // a test-only skew that is not a number: one line, before any server
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
        durability.validate();
        List<Scenario> loaded = new ArrayList<>();
        for (Path p : scenarios) {
            Scenario s = ScenarioLoader.load(p);
            if (mode != null) {
                s = s.withUpdates(mode);
            }
            s = durability.applyTo(s);
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
                sharingOptions.startAt, label, resultsRoot, stackDir, allowFaultsOnTarget)).call();
    }

    private RateSweep.Overrides overrides() {
        return new RateSweep.Overrides(rate, connections, warmup == null ? null : io.sessionbench.infra.Durations.of("--warmup", warmup).toNanos(),
                duration == null ? null : io.sessionbench.infra.Durations.of("--duration", duration).toNanos(), targets.keys(), targets.clusterSettings());
    }
}
