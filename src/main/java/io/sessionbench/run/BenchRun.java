package io.sessionbench.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.bench.BenchParams;
import io.sessionbench.bench.Profile;
import io.sessionbench.gate.Rounds;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.metrics.HdrProfiler;
import io.sessionbench.report.ReportWriter;
import io.sessionbench.report.SummaryRow;
import io.sessionbench.report.SummaryTable;
import io.sessionbench.store.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * A {@code bench} run: the profile's JMH runs against the targets (the local stack starting what is not given), one
 * line of progress per run, the results folder ({@link RunRecord}) written on every exit path, the report and the
 * verdict printed as {@code verdict.md} says it. The command only parses and checks its options into {@link Settings}.
 */
public final class BenchRun {
    /**
     * What to run: where ({@code targeting}), the profile and its overrides (null keeps the profile's), the results'
     * parent folder and label, the local stack's folder, and whether to pin client and servers to separate cores.
     */
    public record Settings(Targeting targeting, Profile profile, String label, Path resultsRoot, List<Layout> layouts,
                           String benchmarks, Integer forks, Integer iterations, Double seconds, Integer warmups,
                           Integer liveSessions, Integer threads, Path stackDir, boolean pin, Boolean footprint) {
        /** Whether the run measures what a session costs to keep: {@code --footprint}, by default in the quick profile. */
        boolean footprintOn() {
            return footprint != null ? footprint : profile == Profile.QUICK;
        }
    }

    private final Settings s;
    private final Targeting targets;
    private final Integer forks;
    private final Integer iterations;
    private final Double seconds;
    private final Integer warmups;
    private final Integer liveSessions;
    private final Integer threads;
    private final String benchmarks;
    /** The layouts to run, narrowed further when an ACL user may not use some. */
    private List<Layout> layouts;

    public BenchRun(Settings s) {
        this.s = s;
        this.targets = s.targeting();
        this.forks = s.forks();
        this.iterations = s.iterations();
        this.seconds = s.seconds();
        this.warmups = s.warmups();
        this.liveSessions = s.liveSessions();
        this.threads = s.threads();
        this.benchmarks = s.benchmarks();
        this.layouts = s.layouts() != null || targets == null ? s.layouts()
                : targets.targeted(java.util.Arrays.asList(io.sessionbench.store.Layout.values()), System.out);
        if (s.layouts() == null && this.layouts != null && this.layouts.size() == io.sessionbench.store.Layout.values().length) {
            this.layouts = null; // no target given: the profile's own layouts
        }
    }

    /** Runs, writes, prints; returns the exit code (1 when a run failed, was skipped or had errors). */
    public int call() throws Exception {
        Profile p = s.profile();
        List<Profile.RunSpec> specs = plan(p);
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        for (Profile.RunSpec s : specs) {
            s.layouts().forEach(l -> l.server().ifPresent(needed::add));
        }
        Path secrets = Path.of("target", "bench-endpoints-" + ProcessHandle.current().pid() + ".properties").toAbsolutePath();
        Path preload = Path.of("target", "bench-preload-" + ProcessHandle.current().pid()).toAbsolutePath();
        // Each benchmark's forks, merged into one record when written; the rounds' order and each fork's time beside them.
        Map<Rounds.Unit, List<RunResult>> measured = new LinkedHashMap<>();
        Rounds.Log roundsLog = new Rounds.Log();
        RunRecord partial = new RunRecord(new RunRecord.Results() {
            @Override
            public boolean any() {
                synchronized (measured) {
                    return measured.values().stream().anyMatch(l -> !l.isEmpty());
                }
            }

            @Override
            public void writeTo(Path out) {
                synchronized (measured) {
                    ResultFormatFactory.getInstance(ResultFormatType.JSON, out.resolve("jmh.json").toString())
                            .writeOut(Rounds.merged(measured));
                }
                try {
                    Rounds.fixForkCounts(out.resolve("jmh.json"));
                    roundsLog.writeTo(out);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        // On every exit path, Ctrl-C included: the endpoints file (it holds passwords) goes, and what was measured is
        // written, marked incomplete.
        Thread onExit = new Thread(() -> {
            try {
                Files.deleteIfExists(secrets);
            } catch (IOException ignored) {
                // nothing more can be done while the JVM exits
            }
            if (partial.write("interrupted (SIGINT/SIGTERM) during '" + partial.current() + "'") && partial.hasResults()) {
                ReportWriter.write(partial.out());
            }
        }, "sessionbench-bench-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        String failed = null;
        try (Targets t = targets.resolve(needed, s.stackDir())) {
            for (String line : t.endpoints().describe()) {
                System.out.println("target " + line);
            }
            Set<Layout> refused = preflight(specs, t);
            if (!refused.isEmpty()) {
                List<Layout> allowed = new ArrayList<>();
                for (Profile.RunSpec spec : specs) {
                    for (Layout l : spec.layouts()) {
                        if (!refused.contains(l) && !allowed.contains(l)) {
                            allowed.add(l);
                        }
                    }
                }
                if (allowed.isEmpty()) {
                    throw new ConfigException("the Redis user may run none of the planned layouts; see the lines above");
                }
                layouts = allowed;
                specs = plan(p);
                failed = "skipped for lack of ACL permissions: " + String.join(", ", refused.stream().map(Layout::label).toList());
            }
            // With --pin, client and servers on separate cores, as on separate machines (see the option's help).
            io.sessionbench.calibrate.Pinning pinning = !s.pin() || needed.isEmpty() || needed.size() > t.localServers().size()
                    ? io.sessionbench.calibrate.Pinning.none(!s.pin() ? "every process may run on every core (no --pin)"
                            : needed.isEmpty() ? "no server in this run" : "some servers are targets, not started here")
                    : io.sessionbench.calibrate.Pinning.forLocalServers(t.localServers().stream().map(LocalStack.Running::pid).toList());
            pinning.apply();
            System.out.println("bench: " + pinning.describe());
            ObjectNode fields = RunRecord.fields();
            fields.put("forks", forks != null ? String.valueOf(forks) : p.forks + " per benchmark, in interleaved rounds"
                    + specs.stream().filter(x -> x.forksOr(p.forks) != p.forks).map(x -> "; " + x.name() + ": " + x.forksOr(p.forks))
                    .collect(java.util.stream.Collectors.joining()));
            int wi = warmups == null ? p.warmupIterations : warmups;
            fields.put("warmup", wi + " × " + seconds(warmupMillis(p)) + " s");
            fields.put("measurement", (iterations == null ? p.measurementIterations : iterations) + " × " + seconds(measurementMillis(p)) + " s");
            fields.put("started", LocalDateTime.now().toString());
            fields.put("pinning", pinning.describe());
            fields.put("redisKeys", targets.keys().label());
            fields.put("clusterClient", targets.cluster().text());
            Path out = partial.begin(t, s.resultsRoot(), s.label() == null ? p.name().toLowerCase() : s.label(), p.name().toLowerCase(), fields);
            t.endpoints().writeSecretFile(secrets);
            // Forked JVMs get these as -D options; with --forks 0 JMH runs in this JVM and reads them from here.
            System.setProperty("sessionbench.endpoints", secrets.toString());
            System.setProperty("sessionbench.histograms", out.resolve("histograms").toAbsolutePath().toString());
            System.setProperty(BenchParams.CLUSTER_CLIENT_PROPERTY, targets.cluster().text());
            // The store's own processes on this machine (the local stack's, or a target's listening here) are the server,
            // never "other processes"; with --forks 0 the benchmarks run in this JVM and read the pids from here.
            io.sessionbench.metrics.ServerProcesses processes = io.sessionbench.metrics.ServerProcesses.of(t);
            String serverPids = processes.property();
            System.setProperty(io.sessionbench.metrics.NoiseProbe.SERVER_PIDS, serverPids);
            if (!processes.describeTargets().isEmpty()) {
                System.out.println("bench: " + processes.describeTargets());
            }
            if (s.footprintOn()) {
                footprint(specs, t, processes, out);
            }
            // Rounds: each one fork of every benchmark that needs one, in an order drawn at random (seed recorded), so
            // drift over the run lands on every benchmark alike (--forks 0 runs each once in this JVM, for tests).
            List<Rounds.Unit> units = Rounds.units(specs, spec -> forks != null ? forks : spec.forksOr(p.forks));
            long seed = new java.security.SecureRandom().nextLong();
            List<List<Rounds.Unit>> rounds = Rounds.plan(units, new java.util.Random(seed));
            units.forEach(u -> measured.put(u, new ArrayList<>()));
            partial.run().put("rounds", rounds.size()).put("orderSeed", seed).put("benchmarks", units.size())
                    .put("forksInAll", rounds.stream().mapToInt(List::size).sum());
            List<Double> planned = new ArrayList<>();
            rounds.forEach(round -> round.forEach(u -> planned.add(Progress.forkSeconds(warmups == null ? p.warmupIterations : warmups,
                    warmupMillis(p), measurementIterations(p, u.spec()), measurementMillis(p)))));
            Progress progress = new Progress(System.out, planned);
            java.util.Set<Rounds.Unit> broken = new java.util.HashSet<>();
            int forkIndex = 0;
            for (int r = 0; r < rounds.size(); r++) {
                System.out.printf(java.util.Locale.ROOT, "== round %d of %d: %d benchmarks in an order drawn at random (seed %d)%n",
                        r + 1, rounds.size(), rounds.get(r).size(), seed);
                int position = 0;
                for (Rounds.Unit u : rounds.get(r)) {
                    position++;
                    double plannedFork = planned.get(forkIndex++);
                    if (broken.contains(u)) {
                        roundsLog.add(r + 1, position, u, 0, "skipped: failed in an earlier round");
                        progress.finished(plannedFork);
                        continue;
                    }
                    partial.at(u.label());
                    long t0 = System.nanoTime();
                    try {
                        java.util.Collection<RunResult> res = new Runner(options(p, u, secrets, out.resolve("histograms"), preload, serverPids),
                                progress.fork(plannedFork)).run();
                        synchronized (measured) {
                            measured.get(u).addAll(res);
                        }
                        roundsLog.add(r + 1, position, u, (System.nanoTime() - t0) / 1e9, "ok");
                    } catch (RunnerException e) {
                        // One failed benchmark does not drop the others' results: the run goes on and is marked incomplete.
                        String why = "'" + u.label() + "' failed: " + io.sessionbench.infra.RedisTarget.redactUri(cause(e));
                        System.err.println("sessionbench: " + why + "; going on with the other benchmarks");
                        roundsLog.add(r + 1, position, u, (System.nanoTime() - t0) / 1e9, "failed: " + why);
                        broken.add(u);
                        failed = failed == null ? why : failed + "; " + why;
                    }
                }
            }
            partial.clusterLoad("the whole bench run (every benchmark's preload, JIT warm-up, warm-up and measurement)");
            if (needed.size() > t.localServers().size()) {
                // some sessions live on the user's own servers: remove them (local servers are thrown away)
                for (String problem : io.sessionbench.bench.SharedPreload.cleanup(preload,
                        layout -> layout.open(t.endpoints(), Layout.StoreOptions.DEFAULT))) {
                    System.err.println("sessionbench: " + problem);
                    failed = failed == null ? problem : failed + "; " + problem;
                }
            }
            partial.write(failed);
        } catch (RuntimeException e) {
            partial.write(io.sessionbench.infra.RedisTarget.redactUri(e.getMessage()));
            throw e;
        } finally {
            Files.deleteIfExists(secrets);
            ResultsFolder.deleteTree(preload);
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        Path out = partial.out();
        if (!partial.hasResults()) {
            throw new IllegalStateException("no benchmark finished, so there is nothing to report: " + failed);
        }
        List<SummaryRow> rows = ReportWriter.write(out);
        System.out.println();
        System.out.print(SummaryTable.render(rows));
        System.out.println();
        // The console says exactly what verdict.md says.
        System.out.println(Files.readString(out.resolve("verdict.md")));
        System.out.println("results: " + out);
        System.out.println("report:  " + out.resolve("report.html") + " (and report.md)");
        if (failed != null) {
            System.err.println("sessionbench bench: incomplete: " + failed + " (the results of the other runs are written)");
            return 1;
        }
        return rows.stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
    }

    /**
     * What a session costs to keep, on the run's server layouts at its session sizes, before any benchmark writes to the
     * servers (so the server's memory growth is the footprint's alone); written to footprint.* and the report. A failure
     * here is said in one line and the benchmarks go on.
     */
    private static void footprint(List<Profile.RunSpec> specs, Targets t, io.sessionbench.metrics.ServerProcesses processes, Path out) {
        List<Layout> layouts = new ArrayList<>();
        java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
        for (Profile.RunSpec spec : specs) {
            spec.layouts().stream().filter(l -> l.server().isPresent() && !layouts.contains(l)).forEach(layouts::add);
            spec.params().getOrDefault("sessionBytes", List.of()).forEach(v -> sizes.add(Integer.parseInt(v)));
        }
        if (layouts.isEmpty()) {
            return;
        }
        if (sizes.isEmpty()) {
            sizes.add(2048);
        }
        try {
            io.sessionbench.footprint.Footprint f = new io.sessionbench.footprint.Footprint(new io.sessionbench.footprint.Footprint.Settings(
                    layouts, List.copyOf(sizes), io.sessionbench.footprint.Footprint.QUICK_SESSIONS, io.sessionbench.footprint.Footprint.Fill.RANDOM,
                    io.sessionbench.footprint.Footprint.CAPACITY_SESSIONS, io.sessionbench.footprint.Footprint.CAPACITY_RPS,
                    io.sessionbench.footprint.Footprint.owned(t)), System.out);
            long t0 = System.nanoTime();
            f.write(f.measure(t.endpoints(), io.sessionbench.footprint.Footprint.pidsByServer(processes)), out);
            System.out.printf(java.util.Locale.ROOT, "footprint: written to %s (%.0f s)%n", out.resolve("footprint.md"), (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException | IOException e) {
            System.err.println("sessionbench: footprint not measured: " + io.sessionbench.infra.RedisTarget.redactUri(String.valueOf(e.getMessage()))
                    + "; the benchmarks go on");
        }
    }

    /**
     * The store's one-line cause inside a JMH failure: the first store or configuration error among the causes and
     * the suppressed exceptions (JMH attaches each benchmark thread's failure there), else the innermost message.
     */
    static String cause(Throwable e) {
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        String innermost = e.getMessage();
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof io.sessionbench.store.StoreException || t instanceof ConfigException
                    || t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
                return t.getMessage();
            }
            if (t.getMessage() != null) {
                innermost = t.getMessage();
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(List.of(t.getSuppressed()));
        }
        return String.valueOf(innermost).lines().findFirst().orElse("");
    }

    /**
     * Opens every planned layout × client once in this JVM, so an unreachable server or a wrong password is one clear
     * line here instead of a stack trace from a forked benchmark JVM.
     */
    private static Set<Layout> preflight(List<Profile.RunSpec> specs, Targets t) throws Exception {
        Set<io.sessionbench.store.Target> done = new java.util.HashSet<>();
        Set<Layout> refused = EnumSet.noneOf(Layout.class);
        for (Profile.RunSpec s : specs) {
            for (io.sessionbench.store.Target target : s.targets()) {
                // a layout refused with one client is refused with the others: its line is said once
                if (!done.add(target) || refused.contains(target.layout())) {
                    continue;
                }
                Layout layout = target.layout();
                try {
                    tryStore(layout, target.client(), t.endpoints());
                } catch (io.sessionbench.store.StoreException.AuthenticationFailed e) {
                    if (!e.getMessage().contains("does not allow user")) {
                        throw e;
                    }
                    // An ACL user confined to some layouts' keys or commands: run the layouts it may use.
                    System.err.println("sessionbench: skipping " + layout.label() + ": " + e.getMessage());
                    refused.add(layout);
                }
            }
        }
        return refused;
    }

    /**
     * Opens {@code layout} with {@code client} (Lettuce when null) and does what every benchmark and load run needs:
     * create (scripts and the user index), request, a write, removal. An unreachable server, a wrong password or a
     * missing permission is its one-line store error, before any results folder exists.
     */
    public static void tryStore(Layout layout, io.sessionbench.store.redis.RedisClientKind client, io.sessionbench.infra.Endpoints endpoints)
            throws Exception {
        var options = Layout.StoreOptions.DEFAULT.withClient(client == null ? io.sessionbench.store.redis.RedisClientKind.LETTUCE : client);
        try (var store = layout.open(endpoints, options)) {
            var session = store.create("sessionbench-preflight-" + ProcessHandle.current().pid(), Map.of("auth", "x"));
            store.request(session.id(), io.sessionbench.scenario.Workload.CHECKS);
            store.setAttribute(session.id(), "csrf", "x");
            store.invalidateAll(session.userId());
        }
    }

    private int measurementIterations(Profile p, Profile.RunSpec spec) {
        return iterations != null ? iterations : spec.iterations() > 0 ? spec.iterations() : p.measurementIterations;
    }

    private long warmupMillis(Profile p) {
        return seconds == null ? p.warmupMillis : Math.round(seconds * 1000);
    }

    private long measurementMillis(Profile p) {
        return seconds == null ? p.measurementMillis : Math.round(seconds * 1000);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0);
    }

    public static Profile profileOf(String name) {
        for (Profile p : Profile.values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new ConfigException("unknown profile '" + name + "'; use quick or full");
    }

    /** The profile's runs, narrowed to the chosen layouts and benchmarks. */
    public List<Profile.RunSpec> plan(Profile p) {
        java.util.regex.Pattern wanted = benchmarks == null ? null : java.util.regex.Pattern.compile("^(" + benchmarks + ")$");
        List<Profile.RunSpec> out = new ArrayList<>();
        for (Profile.RunSpec s : p.specs()) {
            if (layouts != null) {
                s = s.withLayouts(s.layouts().stream().filter(layouts::contains).toList());
            }
            if (wanted != null) {
                s = s.withOperations(s.operations().stream().filter(o -> wanted.matcher(o.label()).matches()).toList());
            }
            if (s.layouts().isEmpty() || s.operations().isEmpty()) {
                continue;
            }
            if (liveSessions != null && !s.other().containsKey("liveSessions")) {
                Map<String, String> other = new LinkedHashMap<>(s.other());
                other.put("liveSessions", String.valueOf(liveSessions));
                s = s.withOther(other);
            }
            out.add(threads == null ? s : s.withThreads(threads));
        }
        if (out.isEmpty()) {
            throw new ConfigException("nothing to run: --layouts/--benchmarks leave no benchmark of profile " + p.name().toLowerCase());
        }
        return out;
    }

    /** JMH's options for one fork of {@code u} (in this JVM with {@code --forks 0}). */
    private org.openjdk.jmh.runner.options.Options options(Profile p, Rounds.Unit u, Path secrets, Path histograms,
                                                           Path preload, String serverPids) {
        Profile.RunSpec spec = u.spec();
        ChainedOptionsBuilder o = new OptionsBuilder().include(u.include())
                .forks(forks != null && forks == 0 ? 0 : 1)
                .warmupIterations(warmups == null ? p.warmupIterations : warmups)
                .warmupTime(TimeValue.milliseconds(warmupMillis(p)))
                .measurementIterations(measurementIterations(p, spec))
                .measurementTime(TimeValue.milliseconds(measurementMillis(p)))
                .threads(spec.threads())
                .addProfiler(HdrProfiler.class)
                .shouldFailOnError(true)
                // Options given here replace the @Fork annotation's, so the heap and GC are set again (FORK_JVM).
                .jvmArgsAppend(jvmArgs(secrets, histograms, preload, serverPids));
        u.params().forEach(o::param);
        o.param("keys", targets.keys().label());
        return o.build();
    }

    private String[] jvmArgs(Path secrets, Path histograms, Path preload, String serverPids) {
        List<String> a = new ArrayList<>(BenchParams.FORK_JVM);
        a.addAll(List.of("-Dsessionbench.endpoints=" + secrets, "-Dsessionbench.histograms=" + histograms.toAbsolutePath(),
                "-Dsessionbench.preload=" + preload,
                "-D" + BenchParams.CLUSTER_CLIENT_PROPERTY + "=" + targets.cluster().text(),
                "-D" + io.sessionbench.metrics.NoiseProbe.SERVER_PIDS + "=" + serverPids));
        return a.toArray(String[]::new);
    }
}
