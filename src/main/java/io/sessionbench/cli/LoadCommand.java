package io.sessionbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.loadgen.LoadReport;
import io.sessionbench.loadgen.LoadRun;
import io.sessionbench.loadgen.OpenLoopRunner;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.report.Environment;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.ScenarioLoader;
import io.sessionbench.scenario.ScenarioWorkload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.redis.RedisClientKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code load SCENARIO…}: open-loop runs (fixed rate or sweep) of scenario files; Ctrl-C keeps partial results. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Run scenario files at a constant (or Poisson) request rate, recording latency from the intended",
                "start (corrected) and from the send (uncorrected); sweeps step the rate up until the P99 objective breaks."})
final class LoadCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SCENARIO", arity = "1..*", description = "scenario files, e.g. scenarios/auth-read-heavy.yaml")
    List<Path> scenarios;

    @Mixin
    TargetOptions targets;

    @Option(names = "--layouts", split = ",", description = "override the scenarios' layouts")
    List<String> layouts;

    @Option(names = "--rate", description = "override: one fixed rate in requests per second")
    Double rate;

    @Option(names = "--duration", description = "override the measured duration, e.g. 30s")
    String duration;

    @Option(names = "--warmup", description = "override the warm-up, e.g. 5s")
    String warmup;

    @Option(names = "--connections", description = "override connections (worker threads, pool size)")
    Integer connections;

    @Option(names = "--label", description = "results folder label (default: the scenario names)")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results")
    Path resultsRoot;

    @Option(names = "--stack-dir", defaultValue = "target/stack", description = "folder for local servers")
    Path stackDir;

    private volatile OpenLoopRunner current;
    private volatile boolean interrupted;

    @Override
    public Integer call() throws Exception {
        List<Scenario> loaded = new ArrayList<>();
        for (Path p : scenarios) {
            loaded.add(ScenarioLoader.load(p));
        }
        io.sessionbench.report.Charts.warmUp();
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        for (Scenario s : loaded) {
            for (String l : layoutsOf(s)) {
                Layout.of(l).server().ifPresent(needed::add);
            }
        }
        String name = label != null ? label : String.join("+", loaded.stream().map(Scenario::name).toList());
        Path out = resultsRoot.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmm")) + "_load_"
                + name.replaceAll("[^A-Za-z0-9._+-]", "-"));
        List<LoadRun> runs = new ArrayList<>();
        CountDownLatch written = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted = true;
            OpenLoopRunner r = current;
            if (r != null) {
                r.stop();
            }
            try {
                written.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sessionbench-load-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Targets t = Targets.resolve(targets.settings(), System.getenv(), needed, stackDir)) {
            t.endpoints().describe().forEach(l -> System.out.println("target " + l));
            Files.createDirectories(out.resolve("histograms"));
            ObjectNode run = new ObjectMapper().createObjectNode();
            run.put("profile", "open loop: " + name);
            run.put("label", out.getFileName().toString());
            run.put("started", LocalDateTime.now().toString());
            ObjectNode env = Environment.collect(t, run);
            for (Scenario s : loaded) {
                for (String layout : layoutsOf(s)) {
                    for (String client : Layout.of(layout).usesRedisClient() ? s.clients() : List.of("lettuce")) {
                        if (!interrupted) {
                            sweep(s, layout, client, t, out, runs);
                        }
                    }
                }
            }
            run.put("finished", LocalDateTime.now().toString());
            run.put("interrupted", interrupted);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("env.json").toFile(), env);
            LoadReport.save(out, runs);
            System.out.println();
            System.out.print(LoadReport.write(out));
            System.out.println();
            System.out.println("results: " + out);
            System.out.println("report:  " + out.resolve("report.html"));
        } finally {
            written.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the results written above
            }
        }
        return interrupted ? 130 : runs.stream().anyMatch(r -> r.errorCount() > 0) ? 1 : 0;
    }

    private List<String> layoutsOf(Scenario s) {
        return layouts != null ? layouts : s.layouts();
    }

    /** Runs each rate of the scenario in turn, stopping at the first one that is not sustained or misses the objective. */
    private void sweep(Scenario s, String layout, String client, Targets t, Path out, List<LoadRun> runs) throws Exception {
        Layout l = Layout.of(layout);
        String target = l.usesRedisClient() ? layout + "/" + client : layout;
        int conns = connections != null ? connections : s.connections();
        SessionPolicy policy = new SessionPolicy(s.ttl().idle(), s.ttl().absolute(), 3, 1_500_000,
                s.updates() == Scenario.Updates.SAFE);
        List<Double> rates = rate != null ? List.of(rate) : s.rate().steps();
        long warm = (warmup != null ? parse(warmup) : s.warmup()).toNanos();
        long dur = (duration != null ? parse(duration) : s.duration()).toNanos();
        try (SessionStore store = l.open(t.endpoints(), new Layout.StoreOptions(RedisClientKind.of(client), policy, conns, false))) {
            ScenarioWorkload workload = new ScenarioWorkload(s, store);
            System.out.printf(Locale.ROOT, "[%s %s] preloading %,d sessions%n", s.name(), target, workload.sessions());
            workload.preload(Math.min(16, Math.max(4, conns)));
            try {
                for (double r : rates) {
                    if (interrupted) {
                        break;
                    }
                    OpenLoopRunner runner = new OpenLoopRunner(new OpenLoopRunner.Config(r, s.arrivals() == Scenario.Arrivals.POISSON,
                            conns, warm, dur, 1_000_000_000L), workload);
                    current = runner;
                    String file = io.sessionbench.metrics.RunKey.fileName(s.name() + "." + target,
                            Map.of("rate", String.format(Locale.ROOT, "%.0f", r))) + ".hlog";
                    Path hlog = out.resolve("histograms").resolve(file);
                    List<ScenarioWorkload.Worker> workers = new ArrayList<>();
                    OpenLoopRunner.Outcome o = runner.run(hlog, System.err, s.name() + " " + target + " @" + (long) r, workers);
                    long lost = s.mix().getOrDefault(Scenario.Operation.UPDATE_ATTRIBUTE, 0.0) > 0 ? workload.lostUpdates(workers) : 0;
                    HistogramFiles.writeHgrm(o.allCorrected(), hlog.resolveSibling(file.replace(".hlog", ".corrected.hgrm")));
                    HistogramFiles.writeHgrm(o.allUncorrected(), hlog.resolveSibling(file.replace(".hlog", ".uncorrected.hgrm")));
                    Map<String, LoadRun.Percentiles> ops = new LinkedHashMap<>();
                    o.corrected().forEach((op, h) -> ops.put(op, LoadRun.Percentiles.of(h)));
                    LoadRun.Percentiles corrected = LoadRun.Percentiles.of(o.allCorrected());
                    double objective = s.objective().p99().toNanos() / 1e3;
                    boolean meets = o.sustained() && corrected.p99() <= objective;
                    LoadRun lr = new LoadRun(s.name(), target, s.arrivals().name().toLowerCase(), conns, dur / 1e9, r,
                            o.achievedRate(), o.scheduled(), o.completed(), o.backlog(), o.latePercent(), o.sustained(),
                            o.interrupted(), meets, objective, o.errors(), lost, s.updates().name().toLowerCase(), corrected,
                            LoadRun.Percentiles.of(o.allUncorrected()), ops, o.timeline(), "histograms/" + file);
                    runs.add(lr);
                    System.out.printf(Locale.ROOT, "[%s %s] %.0f req/s intended, %.0f achieved, backlog %d, late %.2f%%, P99 %.2f ms "
                                    + "(uncorrected %.2f ms), errors %d, lost updates %d%s%n", s.name(), target, r, o.achievedRate(),
                            o.backlog(), o.latePercent(), corrected.p99() / 1000, lr.uncorrected().p99() / 1000, lr.errorCount(), lost,
                            o.sustained() ? "" : " — target not sustained");
                    if (!meets) {
                        break;
                    }
                }
            } finally {
                current = null;
                if (!interrupted) {
                    workload.cleanup();
                }
            }
        }
    }

    static Duration parse(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException("duration '" + text + "' is not like 500ms, 30s or 2m");
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            default -> Duration.ofMinutes(v);
        };
    }
}
