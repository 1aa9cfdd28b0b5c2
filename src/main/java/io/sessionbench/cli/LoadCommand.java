package io.sessionbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.Targets;
import io.sessionbench.loadgen.LoadReport;
import io.sessionbench.loadgen.LoadRun;
import io.sessionbench.loadgen.RateSweep;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.metrics.Operation;
import io.sessionbench.store.StoreException;
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
        header = "Run scenario files open-loop at a request rate (or a sweep of rates) and report corrected latency.",
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

    @Option(names = "--updates", description = "override the scenario's update mode: safe (compare-and-set) or naive")
    String updates;

    @Option(names = "--clients", split = ",", paramLabel = "CLIENT", description = "override the scenarios' Redis clients (lettuce, jedis, redisson)")
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

    private volatile RateSweep current;
    private RateSweep.Sharing sharing;
    private String incomplete;
    private volatile boolean interrupted;

    /** {@code --generator}, {@code --start-at}, {@code --sessions-dir} and {@code --preload-only}, checked together. */
    RateSweep.Sharing sharing() {
        int index = 0;
        int count = 1;
        if (generator != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,4})/(\\d{1,4})").matcher(generator.trim());
            if (!m.matches() || Integer.parseInt(m.group(1)) >= Integer.parseInt(m.group(2))) {
                throw new ConfigException("--generator " + generator + " is not I/N with 0 <= I < N <= 1000, e.g. 0/3 for the first of three");
            }
            index = Integer.parseInt(m.group(1));
            count = Integer.parseInt(m.group(2));
            Limits.range("--generator N", count, 1, 1000);
        }
        long start = 0;
        if (startAt != null) {
            java.time.Instant at;
            try {
                at = java.time.Instant.parse(startAt.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new ConfigException("--start-at " + startAt + " is not an ISO-8601 UTC instant such as 2026-11-28T21:00:00Z");
            }
            if (at.isAfter(java.time.Instant.now().plus(Duration.ofDays(1)))) {
                throw new ConfigException("--start-at " + startAt + " is more than a day away; give the instant the generators should start at");
            }
            start = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        }
        if (count > 1 && startAt == null) {
            throw new ConfigException("--generator " + generator + " needs --start-at INSTANT, the same for all " + count
                    + " generators, so their schedules line up");
        }
        if (count > 1 && sessionsDir == null) {
            throw new ConfigException("--generator " + generator + " needs --sessions-dir DIR: sessions are preloaded once "
                    + "(by 'load --preload-only --sessions-dir DIR' or by generator 0), not once per generator");
        }
        if (preloadOnly && sessionsDir == null) {
            throw new ConfigException("--preload-only needs --sessions-dir DIR to write the sessions to");
        }
        if (preloadOnly && (generator != null || startAt != null)) {
            throw new ConfigException("--preload-only preloads and stops; give --generator and --start-at to the generators instead");
        }
        return new RateSweep.Sharing(index, count, start, sessionsDir, preloadOnly);
    }

    /** Checks every override and every scenario (with the overrides applied) before anything starts. */
    private List<Scenario> validate() {
        targets.topology();
        targets.keys();
        targets.clusterSettings();
        sharing = sharing();
        Limits.range("--rate", rate, 1, 10_000_000);
        Limits.range("--connections", connections, 1, ScenarioLoader.MAX_CONNECTIONS);
        if (duration != null && parse(duration).toMillis() < 1000) {
            throw new ConfigException("--duration " + duration + " is too short; measure for 1s or more, e.g. 30s");
        }
        if (warmup != null) {
            parse(warmup);
        }
        if (layouts != null) {
            layouts.forEach(Layout::of);
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
        if (clients != null) {
            clients.forEach(RedisClientKind::of);
        }
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
        io.sessionbench.report.Charts.warmUp();
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        for (Scenario s : loaded) {
            for (String l : layoutsOf(s)) {
                Layout.of(l).server().ifPresent(needed::add);
            }
        }
        if (sharing.sessionsDir() != null) {
            Set<LocalStack.Server> missing = Targets.missing(targets.settings(), System.getenv(), needed);
            if (!missing.isEmpty()) {
                throw new ConfigException("--sessions-dir, --generator and --preload-only share servers between processes, so "
                        + "the servers must outlive each of them: give " + String.join(", ", missing.stream()
                        .map(m -> "--" + m.name().toLowerCase(Locale.ROOT)).toList()) + " (or SESSIONBENCH_*), e.g. from 'stack up'");
            }
        }
        Set<LocalStack.Server> local = Targets.missing(targets.settings(), System.getenv(), needed);
        io.sessionbench.infra.Endpoints given = io.sessionbench.infra.Endpoints.from(io.sessionbench.infra.Endpoints.environment(System.getenv()),
                targets.settings());
        for (Scenario s : loaded) {
            if (!s.faults().isEmpty() && (sharing.count() > 1 || sharing.preloadOnly())) {
                throw new ConfigException("scenario " + s.name() + " has faults; they fire from one process, so run it without "
                        + "--generator and --preload-only");
            }
            io.sessionbench.loadgen.Faults.check(s, targets.topology(), local, given.redisSentinel() != null || !given.redisCluster().isEmpty(),
                    !given.redisCluster().isEmpty(), allowFaultsOnTarget);
        }
        String name = label != null ? label : String.join("+", loaded.stream().map(Scenario::name).toList());
        List<LoadRun> runs = new ArrayList<>();
        CountDownLatch written = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted = true;
            RateSweep r = current;
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
        try (Targets t = Targets.resolve(targets.settings(), System.getenv(), needed, stackDir, targets.topology(), targets.tls)) {
            t.endpoints().describe().forEach(l -> System.out.println("target " + l));
            if (sharing.preloadOnly()) {
                return preloadOnly(loaded, t, sharing);
            }
            Path out = ResultsFolder.fresh(resultsRoot, "load_" + name + (sharing.count() > 1 ? "_g" + sharing.index() + "of" + sharing.count() : ""));
            Files.createDirectories(out.resolve("histograms"));
            ObjectNode run = new ObjectMapper().createObjectNode();
            run.put("profile", "open loop: " + name);
            run.put("label", out.getFileName().toString());
            run.put("started", LocalDateTime.now().toString());
            if (sharing.count() > 1 || sharing.startEpochNanos() > 0) {
                run.put("generator", sharing.index());
                run.put("generators", sharing.count());
                if (startAt != null) {
                    run.put("startAt", java.time.Instant.parse(startAt.trim()).toString());
                }
                ObjectNode clock = run.putObject("clockOffset");
                io.sessionbench.loadgen.ClockOffset.measure(t.endpoints()).ifPresentOrElse(c -> {
                    clock.put("againstServer", c.server());
                    clock.put("offsetMillis", c.offsetMillis());
                    clock.put("uncertaintyMillis", c.uncertaintyMillis());
                }, () -> clock.put("againstServer", "none: no Redis among the targets to read TIME from"));
            }
            run.put("redisKeys", targets.keys().label());
            run.put("clusterClient", targets.clusterSettings().text());
            ObjectNode env = Environment.collect(t, run);
            List<io.sessionbench.metrics.ClusterLoad.Node> clusterBefore = io.sessionbench.metrics.ClusterLoad.snapshot(t.endpoints().redisCluster());
            for (Scenario s : loaded) {
                for (String layout : layoutsOf(s)) {
                    for (String client : Layout.of(layout).usesRedisClient() ? clientsOf(s) : List.of("lettuce")) {
                        if (!interrupted) {
                            RateSweep sweep = new RateSweep(s, Layout.of(layout), RedisClientKind.of(client), overrides(), sharing)
                                    .withStack(t.stack());
                            current = sweep;
                            try {
                                sweep.run(t.endpoints(), out, runs, System.out, System.err);
                            } catch (InterruptedException e) {
                                throw e;
                            } catch (Exception e) {
                                // A server that died or a store that failed ends this sweep, not the run: the others
                                // go on, and the results say what is missing.
                                String why = s.name() + " " + sweep.target() + ": " + RedisTarget.redactUri(String.valueOf(e.getMessage()));
                                System.err.println("sessionbench load: " + why);
                                incomplete = incomplete == null ? why : incomplete + "; " + why;
                            } finally {
                                current = null;
                            }
                        }
                    }
                }
            }
            run.put("finished", LocalDateTime.now().toString());
            run.put("interrupted", interrupted);
            ClusterLoadReport.add(env, clusterBefore, t.endpoints().redisCluster(), "the whole load run (preloads, warm-ups and every rate step)");
            if (incomplete != null) {
                run.put("incomplete", incomplete);
                Files.writeString(out.resolve("INCOMPLETE"), incomplete + "\n");
            }
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
        return interrupted ? 130 : incomplete != null || runs.stream().anyMatch(r -> r.errorCount() > 0 || r.incomplete() != null) ? 1 : 0;
    }

    /** {@code --preload-only}: each scenario's sessions once per layout into the sessions folder; no results folder. */
    private int preloadOnly(List<Scenario> loaded, Targets t, RateSweep.Sharing sharing) throws Exception {
        for (Scenario s : loaded) {
            for (String layout : layoutsOf(s)) {
                new RateSweep(s, Layout.of(layout), RedisClientKind.of(s.clients().get(0)), overrides(), sharing)
                        .run(t.endpoints(), null, new ArrayList<>(), System.out, System.err);
            }
        }
        return 0;
    }

    private RateSweep.Overrides overrides() {
        return new RateSweep.Overrides(rate, connections, warmup == null ? null : parse(warmup).toNanos(),
                duration == null ? null : parse(duration).toNanos(), targets.keys(), targets.clusterSettings());
    }

    private List<String> clientsOf(Scenario s) {
        return clients != null ? clients : s.clients();
    }

    private List<String> layoutsOf(Scenario s) {
        return layouts != null ? layouts : s.layouts();
    }

    static Duration parse(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)").matcher(text.trim());
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
