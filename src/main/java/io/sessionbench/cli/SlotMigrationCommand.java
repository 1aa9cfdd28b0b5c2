package io.sessionbench.cli;

import io.sessionbench.run.ResultsFolder;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.loadgen.SlotMigration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code slot-migration}: claim C10, a big session's slot moved while a probe times the other sessions on its primary. */
@Command(name = "slot-migration", mixinStandardHelpOptions = true,
        description = "C10: move the slot of one big session (one hash, or hash-tagged sub-keys) between primaries and back, "
                + "while a fixed-rate probe times session requests to other sessions on its primary.")
final class SlotMigrationCommand implements Callable<Integer> {
    @Mixin
    TargetOptions targets;

    @Option(names = "--bytes", defaultValue = "1048576", description = "bytes of the big session (default ${DEFAULT-VALUE}: 1 MiB)")
    int bytes;

    @Option(names = "--parts", defaultValue = "16", description = "parts of the big session: hash fields, or sub-keys (default ${DEFAULT-VALUE})")
    int parts;

    @Option(names = "--shapes", split = ",", defaultValue = "small,hash,subkeys", paramLabel = "SHAPE[,SHAPE…]",
            description = "small (a 2 KB control), hash (one key), subkeys (one key per part, one hash tag); default ${DEFAULT-VALUE}")
    List<String> shapes;

    @Option(names = "--rounds", defaultValue = "20", description = "moves out and back per shape (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--rate", defaultValue = "2000", description = "probe requests per second (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--sessions", defaultValue = "100", description = "small sessions probed on the big session's primary (default ${DEFAULT-VALUE})")
    int sessions;

    @Option(names = "--keys-per-migrate", defaultValue = "10", description = "keys per MIGRATE call, as redis-cli's --cluster-pipeline (default ${DEFAULT-VALUE})")
    int keysPerMigrate;

    @Option(names = "--quiet-ms", defaultValue = "500", description = "quiet milliseconds between moves (default ${DEFAULT-VALUE})")
    int quietMillis;

    @Option(names = "--warmup-ms", defaultValue = "2000", description = "probe milliseconds not booked, before the first move (default ${DEFAULT-VALUE})")
    int warmupMillis;

    @Option(names = "--allow-changes-on-target", description = "allow moving a slot of the Redis Cluster given with --redis-cluster "
            + "(it is moved back, and the big session deleted, at the end)")
    boolean allowOnTarget;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of the results")
    Path resultsRoot;

    @Option(names = "--stack-dir", defaultValue = "target/stack", description = "folder for local servers")
    Path stackDir;

    @Override
    public Integer call() throws Exception {
        Limits.range("--bytes", bytes, 1, 512 * 1024 * 1024);
        Limits.range("--parts", parts, 1, 10_000);
        Limits.range("--rounds", rounds, 1, 10_000);
        Limits.range("--rate", rate, 1, 100_000);
        Limits.range("--sessions", sessions, 1, 100_000);
        Limits.range("--keys-per-migrate", keysPerMigrate, 1, 10_000);
        Limits.range("--quiet-ms", quietMillis, 0, 600_000);
        Limits.range("--warmup-ms", warmupMillis, 0, 600_000);
        List<SlotMigration.Shape> chosen = new ArrayList<>();
        for (String s : shapes) {
            try {
                chosen.add(SlotMigration.Shape.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("unknown --shapes '" + s + "'; use small, hash or subkeys");
            }
        }
        SlotMigration.Config config = new SlotMigration.Config(bytes, parts, rounds, rate, sessions, keysPerMigrate, quietMillis, warmupMillis);
        boolean given = !Targets.missing(targets.settings(), System.getenv(), EnumSet.of(LocalStack.Server.REDIS)).contains(LocalStack.Server.REDIS);
        if (given && !allowOnTarget) {
            throw new ConfigException("slot-migration moves a slot of the Redis Cluster you gave; add --allow-changes-on-target "
                    + "to allow it, or leave the target out to run on a local cluster");
        }
        if (!given && targets.topology() != LocalStack.Topology.STANDALONE && targets.topology() != LocalStack.Topology.CLUSTER) {
            throw new ConfigException("slot-migration runs on a Redis Cluster; leave --topology out (a local cluster is started)");
        }
        List<SlotMigration.Result> results;
        String conditions;
        try (Targets t = Targets.resolve(targets.settings(), System.getenv(), EnumSet.of(LocalStack.Server.REDIS), stackDir,
                given ? LocalStack.Topology.STANDALONE : LocalStack.Topology.CLUSTER, targets.tls)) {
            SlotMigration experiment = new SlotMigration(config, t.endpoints());
            results = experiment.run(chosen, System.out);
            conditions = experiment.conditions(t.stack() != null);
        }
        Path out = ResultsFolder.fresh(resultsRoot, "slot-migration");
        Files.writeString(out.resolve("slot-migration.md"), SlotMigration.markdown(results, conditions));
        SlotMigration.writeHistograms(results, out);
        System.out.println("slot-migration: " + out.resolve("slot-migration.md"));
        return 0;
    }
}
