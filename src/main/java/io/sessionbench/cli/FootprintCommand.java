package io.sessionbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.footprint.Footprint;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.store.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code footprint}: what a session costs to keep on each store, on the local servers or your own. */
@Command(name = "footprint", mixinStandardHelpOptions = true,
        header = "Measure what a session costs to keep: server memory per session, its encoding, server CPU per request, servers needed.",
        description = {"Writes sessions through each layout's store, reads the server's own memory, the size and encoding of",
                "sampled sessions and its CPU per request, then removes them. Changes no setting on a server you gave",
                "(only on the local servers it starts: redis-hash with raised listpack limits, put back afterwards), and",
                "says in one line what a server would not let it read (an ACL refusing MEMORY USAGE, say).",
                "Writes footprint.md, footprint.csv, footprint.json and env.json to a results folder."})
final class FootprintCommand implements Callable<Integer> {
    @Mixin
    TargetOptions targets;

    @Option(names = "--layouts", split = ",", completionCandidates = TargetOptions.LayoutLabels.class,
            description = "layouts (default: every layout kept on a server, or those whose server you gave)")
    List<String> layouts;

    @Option(names = "--sizes", split = ",", defaultValue = "2048,131072", description = "session sizes in bytes (default ${DEFAULT-VALUE})")
    List<Integer> sizes;

    @Option(names = "--sessions", defaultValue = "2000", description = "sessions written at 2 KB; at other sizes as many as hold "
            + "the same bytes, 50 at least (default ${DEFAULT-VALUE})")
    int sessions;

    @Option(names = "--fill", defaultValue = "random", description = "the cart attribute's filler: random (incompressible) or "
            + "repeated (the benchmarks' 'xxx…', which Postgres compresses) (default ${DEFAULT-VALUE})")
    String fill;

    @Option(names = "--sessions-alive", defaultValue = "1000000", description = "sessions alive in the capacity table (default ${DEFAULT-VALUE})")
    long sessionsAlive;

    @Option(names = "--requests-per-second", defaultValue = "10000", description = "requests per second in the capacity table (default ${DEFAULT-VALUE})")
    long rps;

    @Option(names = "--label", defaultValue = "footprint", description = "results folder label (default ${DEFAULT-VALUE})")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results (default ${DEFAULT-VALUE})")
    Path resultsRoot;

    @Option(names = "--stack-dir", defaultValue = "target/footprint-stack", description = "folder for the local servers (default ${DEFAULT-VALUE})")
    Path stackDir;

    @Override
    public Integer call() throws Exception {
        Footprint.Fill f = Footprint.Fill.of(fill);
        Limits.range("--sessions", sessions, 10, 1_000_000);
        for (int size : sizes) {
            Limits.range("--sizes", size, 64, io.sessionbench.bench.BenchParams.MAX_SESSION_BYTES);
        }
        if (sessionsAlive < 1 || rps < 1) {
            throw new ConfigException("--sessions-alive and --requests-per-second must be at least 1");
        }
        var targeting = targets.targeting();
        List<Layout> candidates = java.util.Arrays.stream(Layout.values()).filter(l -> l.server().isPresent()).toList();
        List<Layout> chosen = layouts != null ? layouts.stream().map(Layout::of).distinct().toList()
                : targeting.targeted(candidates, System.out).stream().filter(l -> l.server().isPresent()).toList();
        if (chosen.stream().anyMatch(l -> l.server().isEmpty())) {
            throw new ConfigException("--layouts memory keeps sessions in this JVM, not on a server: nothing to measure; leave it out");
        }
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        chosen.forEach(l -> l.server().ifPresent(needed::add));
        try (Targets t = targeting.resolve(needed, stackDir)) {
            for (String line : t.endpoints().describe()) {
                System.out.println("footprint: target " + line);
            }
            // an unreachable server or a wrong password is its one line before any results folder exists
            for (Layout l : chosen) {
                io.sessionbench.run.BenchRun.tryStore(l, null, t.endpoints());
            }
            Path out = io.sessionbench.run.ResultsFolder.fresh(resultsRoot, label);
            ObjectMapper m = new ObjectMapper();
            ObjectNode run = m.createObjectNode();
            run.put("command", "footprint");
            run.put("label", label);
            run.put("layouts", String.join(", ", chosen.stream().map(Layout::label).toList()));
            run.put("sizes", String.join(", ", sizes.stream().map(String::valueOf).toList()));
            run.put("sessionsAt2KB", sessions);
            run.put("fill", fill);
            Files.writeString(out.resolve("env.json"), m.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(io.sessionbench.report.Environment.collect(t, run)));
            Footprint fp = new Footprint(new Footprint.Settings(chosen, List.copyOf(new ArrayList<>(new java.util.TreeSet<>(sizes))), sessions, f,
                    sessionsAlive, rps, Footprint.owned(t)), System.out);
            String md = fp.write(fp.measure(t.endpoints(), Footprint.pidsByServer(io.sessionbench.metrics.ServerProcesses.of(t))), out);
            System.out.println();
            System.out.print(md);
            System.out.println("results: " + out);
            return 0;
        }
    }
}
