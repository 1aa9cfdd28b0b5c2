package io.sessionbench.cli;

import io.sessionbench.run.ResultsFolder;
import io.sessionbench.calibrate.Calibration;
import io.sessionbench.calibrate.Pinning;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code calibrate}: parses its options and runs a {@link Calibration}. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Run redis-benchmark and pgbench beside sessionbench's raw Java clients on the same data; print ratios.")
final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    TargetOptions targets;

    @Option(names = "--connections", split = ",", defaultValue = "1,8", description = "connection counts (default ${DEFAULT-VALUE})")
    List<Integer> connections;

    @Option(names = "--keys", defaultValue = "10000", description = "hashes/rows preloaded (default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--bytes", defaultValue = "2048", description = "bytes per hash/row (default ${DEFAULT-VALUE})")
    int bytes;

    @Option(names = "--seconds", defaultValue = "5", description = "measured seconds per run, after 2 s of warm-up (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of the calibration results")
    Path resultsRoot;

    @Option(names = "--stack-dir", defaultValue = "target/stack", description = "folder for local servers")
    Path stackDir;

    @Option(names = "--no-pinning", description = "leave the local servers and the clients on every core")
    boolean noPinning;

    @Override
    public Integer call() throws Exception {
        for (Integer c : connections) {
            Limits.range("--connections", c, 1, 1024);
        }
        Limits.range("--keys", keys, 1, 10_000_000);
        Limits.range("--bytes", bytes, 1, 1_500_000);
        Limits.range("--seconds", seconds, 1, 3600);
        if (targets.topology() == LocalStack.Topology.SENTINEL) {
            throw new io.sessionbench.infra.ConfigException("calibrate compares clients on one standalone server or a cluster; "
                    + "use --topology standalone or cluster");
        }
        List<Calibration.Figure> figures;
        Calibration calibration;
        String targetsShown;
        try (Targets t = Targets.resolve(targets.settings(), System.getenv(),
                EnumSet.of(LocalStack.Server.REDIS, LocalStack.Server.POSTGRES), stackDir, targets.topology(), targets.tls)) {
            List<Long> pids = new java.util.ArrayList<>(t.localServers().stream().map(LocalStack.Running::pid).toList());
            t.localHelpers().forEach(h -> pids.add(h.pid()));
            Pinning pinning = noPinning ? Pinning.none("--no-pinning") : Pinning.forLocalServers(pids);
            calibration = new Calibration(new Calibration.Config(connections, keys, bytes, seconds), pinning);
            System.out.println("calibrate: " + pinning.describe());
            figures = calibration.run(t.endpoints());
            targetsShown = String.join("; ", t.endpoints().describe());
        }
        System.out.print(Calibration.table(figures));
        Path out = ResultsFolder.fresh(resultsRoot, "calibration");
        Files.writeString(out.resolve("calibration.md"), calibration.markdown(figures, targetsShown));
        System.out.println("calibration: " + out.resolve("calibration.md"));
        return 0;
    }
}
