package io.sessionbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.bench.Profile;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.metrics.HdrProfiler;
import io.sessionbench.report.Environment;
import io.sessionbench.report.ReportWriter;
import io.sessionbench.report.SummaryRow;
import io.sessionbench.store.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: runs a profile's JMH benchmarks against the targets (or the local stack) and writes the results. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Benchmark every session store (local servers, or yours) and write a results folder that opens with the verdict.",
        description = {"Run the session benchmarks and write results/<date>_<label>/ with JMH JSON, .hlog/.hgrm, env.json,",
                "summary.csv, report.md and report.html. Servers without a target are started locally and stopped after."})
final class BenchCommand implements Callable<Integer> {
    /** The forked benchmark JVMs' heap and collector (as on {@code SessionOps}' {@code @Fork}). */
    static final String[] FORK_HEAP = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"};

    @Mixin
    TargetOptions targets;

    @Option(names = "--profile", defaultValue = "quick", description = "quick (48 runs; measured 10 min 48 s on 2 cores, build included) or full (hours; for publication); default ${DEFAULT-VALUE}")
    String profile;

    @Option(names = "--label", description = "results folder label (default: the profile name)")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results (default ${DEFAULT-VALUE})")
    Path resultsRoot;

    @Option(names = "--layouts", split = ",", paramLabel = "LAYOUT", description = "only these layouts (memory, redis-hash, redis-json, redis-blob, memcached-blob, postgres)")
    List<String> layouts;

    @Option(names = "--benchmarks", paramLabel = "REGEX", description = "only benchmark methods matching, e.g. 'request|load'")
    String benchmarks;

    @Option(names = "--forks", description = "override the profile's forks")
    Integer forks;

    @Option(names = "--iterations", description = "override measurement iterations")
    Integer iterations;

    @Option(names = "--iteration-seconds", description = "override seconds per warm-up and measurement iteration")
    Integer seconds;

    @Option(names = "--warmup-iterations", description = "override warm-up iterations")
    Integer warmups;

    @Option(names = "--live-sessions", description = "sessions preloaded per trial (default 10000; runs that fix their own, like the contention runs, keep theirs)")
    Integer liveSessions;

    @Option(names = "--threads", description = "benchmark threads per run (default: the profile's)")
    Integer threads;

    @Option(names = "--stack-dir", defaultValue = "target/stack", description = "folder for local servers (default ${DEFAULT-VALUE})")
    Path stackDir;

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
        Limits.range("--iteration-seconds", seconds, 1, 3600);
        Limits.range("--warmup-iterations", warmups, 0, 1000);
        Limits.range("--live-sessions", liveSessions, 1, io.sessionbench.bench.BenchParams.MAX_LIVE_SESSIONS);
        Limits.range("--threads", threads, 1, 1024);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Profile p = profileOf(profile);
        List<Profile.RunSpec> specs = plan(p);
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        for (Profile.RunSpec s : specs) {
            for (String l : s.params().get("layout").split(",")) {
                Layout.of(l).server().ifPresent(needed::add);
            }
        }
        Path secrets = Path.of("target", "bench-endpoints-" + ProcessHandle.current().pid() + ".properties").toAbsolutePath();
        Path preload = Path.of("target", "bench-preload-" + ProcessHandle.current().pid()).toAbsolutePath();
        Partial partial = new Partial();
        // On every exit path, Ctrl-C included: the endpoints file (it holds passwords) goes, and what was measured is
        // written, marked incomplete.
        Thread onExit = new Thread(() -> {
            try {
                Files.deleteIfExists(secrets);
            } catch (IOException ignored) {
                // nothing more can be done while the JVM exits
            }
            if (partial.write("interrupted (SIGINT/SIGTERM) during '" + partial.current + "'") && partial.hasResults()) {
                ReportWriter.write(partial.out);
            }
        }, "sessionbench-bench-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        String failed = null;
        try (Targets t = Targets.resolve(targets.settings(), System.getenv(), needed, stackDir, targets.topology(), targets.tls)) {
            for (String line : t.endpoints().describe()) {
                System.out.println("target " + line);
            }
            Set<String> refused = preflight(specs, t);
            if (!refused.isEmpty()) {
                List<String> allowed = new ArrayList<>();
                for (Profile.RunSpec spec : specs) {
                    for (String l : spec.params().get("layout").split(",")) {
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
                failed = "skipped for lack of ACL permissions: " + String.join(", ", refused);
            }
            // With --pin, client and servers on separate cores, as on separate machines (see the option's help).
            io.sessionbench.calibrate.Pinning pinning = !pin || needed.isEmpty() || needed.size() > t.localServers().size()
                    ? io.sessionbench.calibrate.Pinning.none(!pin ? "every process may run on every core (no --pin)"
                            : needed.isEmpty() ? "no server in this run" : "some servers are targets, not started here")
                    : io.sessionbench.calibrate.Pinning.forLocalServers(t.localServers().stream().map(LocalStack.Running::pid).toList());
            pinning.apply();
            System.out.println("bench: " + pinning.describe());
            Path out = ResultsFolder.fresh(resultsRoot, label == null ? p.name().toLowerCase() : label);
            partial.out = out;
            Files.createDirectories(out.resolve("histograms"));
            t.endpoints().writeSecretFile(secrets);
            // Forked JVMs get these as -D options; with --forks 0 JMH runs in this JVM and reads them from here.
            System.setProperty("sessionbench.endpoints", secrets.toString());
            System.setProperty("sessionbench.histograms", out.resolve("histograms").toAbsolutePath().toString());
            System.setProperty(io.sessionbench.bench.BenchParams.KEYS_PROPERTY, targets.keys().label());
            System.setProperty(io.sessionbench.bench.BenchParams.CLUSTER_CLIENT_PROPERTY, targets.clusterSettings().text());
            ObjectNode run = new ObjectMapper().createObjectNode();
            run.put("profile", p.name().toLowerCase());
            run.put("label", out.getFileName().toString());
            run.put("forks", forks != null ? String.valueOf(forks) : p.forks + " (request at 2 KB: " + Profile.headlineForks(p) + ")");
            int wi = warmups == null ? p.warmupIterations : warmups;
            run.put("warmup", wi + " × " + seconds(warmupMillis(p)) + " s");
            run.put("measurement", (iterations == null ? p.measurementIterations + " (request at 2 KB: " + Profile.headlineIterations(p) + ")"
                    : iterations) + " × " + seconds(measurementMillis(p)) + " s");
            run.put("started", LocalDateTime.now().toString());
            run.put("pinning", pinning.describe());
            run.put("redisKeys", targets.keys().label());
            run.put("clusterClient", targets.clusterSettings().text());
            partial.run = run;
            partial.env = Environment.collect(t, run);
            String serverPids = String.join(",", t.localServers().stream()
                    .map(r -> r.server().name().toLowerCase(java.util.Locale.ROOT) + "=" + r.pid()).toList());
            Map<Profile.RunSpec, List<Double>> planned = new LinkedHashMap<>();
            for (Profile.RunSpec spec : specs) {
                planned.put(spec, Progress.plannedSeconds(spec, forks == null ? spec.forksOr(p.forks) : forks, warmups == null ? p.warmupIterations : warmups,
                        warmupMillis(p), measurementIterations(p, spec), measurementMillis(p)));
            }
            Progress progress = new Progress(System.out, planned.values().stream().flatMap(List::stream).toList());
            List<io.sessionbench.metrics.ClusterLoad.Node> clusterBefore = io.sessionbench.metrics.ClusterLoad.snapshot(t.endpoints().redisCluster());
            for (Profile.RunSpec spec : specs) {
                System.out.println("== " + spec.name());
                partial.current = spec.name();
                try {
                    partial.add(new Runner(options(p, spec, secrets, out.resolve("histograms"), preload, serverPids),
                            progress.format(planned.get(spec))).run());
                } catch (RunnerException e) {
                    // One failed benchmark does not drop the others' results: the run goes on and is marked incomplete.
                    String why = "'" + spec.name() + "' failed: " + io.sessionbench.infra.RedisTarget.redactUri(cause(e));
                    System.err.println("sessionbench: " + why + "; going on with the next runs");
                    failed = failed == null ? why : failed + "; " + why;
                }
            }
            ClusterLoadReport.add(partial.env, clusterBefore, t.endpoints().redisCluster(), "the whole bench run (every "
                    + "benchmark's preload, JIT warm-up, warm-up and measurement)");
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
        Path out = partial.out;
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
     * What a run has measured so far, written once: at the end, on a failure, or from the shutdown hook on Ctrl-C.
     * {@code jmh.json} holds the finished runs; an incomplete run says why in {@code env.json} and in an
     * {@code INCOMPLETE} file.
     */
    static final class Partial {
        private final List<RunResult> results = new ArrayList<>();
        volatile Path out;
        volatile ObjectNode run;
        volatile ObjectNode env;
        volatile String current = "start-up";
        private boolean written;

        synchronized void add(java.util.Collection<RunResult> r) {
            results.addAll(r);
        }

        synchronized boolean hasResults() {
            return !results.isEmpty();
        }

        /**
         * Writes jmh.json, env.json and, when {@code incomplete} is not null, the INCOMPLETE marker, once; returns
         * whether this call wrote them (the caller then writes the report).
         */
        synchronized boolean write(String incomplete) {
            if (written || out == null || env == null) {
                if (out != null && env == null && !written) {
                    deleteQuietly(out);
                }
                return false;
            }
            written = true;
            try {
                if (!results.isEmpty()) {
                    ResultFormatFactory.getInstance(ResultFormatType.JSON, out.resolve("jmh.json").toString()).writeOut(results);
                }
                run.put("finished", LocalDateTime.now().toString());
                if (incomplete != null) {
                    run.put("incomplete", incomplete);
                    Files.writeString(out.resolve("INCOMPLETE"), incomplete + "\n");
                }
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("env.json").toFile(), env);
            } catch (IOException | RuntimeException e) {
                System.err.println("sessionbench: could not write the results into " + out + ": " + e.getMessage());
            }
            return true;
        }

        private static void deleteQuietly(Path dir) {
            try {
                ResultsFolder.deleteTree(dir);
            } catch (IOException ignored) {
                // an empty results folder left behind names no result
            }
        }
    }

    /**
     * Opens every planned layout × client once in this JVM, so an unreachable server or a wrong password is one clear
     * line here instead of a stack trace from a forked benchmark JVM.
     */
    private static Set<String> preflight(List<Profile.RunSpec> specs, Targets t) {
        Set<String> done = new java.util.HashSet<>();
        Set<String> refused = new java.util.TreeSet<>();
        for (Profile.RunSpec s : specs) {
            for (String l : s.params().get("layout").split(",")) {
                Layout layout = Layout.of(l);
                for (String c : layout.usesRedisClient() ? s.params().get("client").split(",") : new String[] {"lettuce"}) {
                    if (done.add(l + "/" + c)) {
                        var options = Layout.StoreOptions.DEFAULT.withClient(io.sessionbench.store.redis.RedisClientKind.of(c));
                        try (var store = layout.open(t.endpoints(), options)) {
                            // What every benchmark needs: create (scripts and the user index), request, a write, removal.
                            var session = store.create("sessionbench-preflight-" + ProcessHandle.current().pid(), Map.of("auth", "x"));
                            store.request(session.id(), io.sessionbench.scenario.Workload.CHECKS);
                            store.setAttribute(session.id(), "csrf", "x");
                            store.invalidateAll(session.userId());
                        } catch (io.sessionbench.store.StoreException.AuthenticationFailed e) {
                            if (!e.getMessage().contains("does not allow user")) {
                                throw e;
                            }
                            // An ACL user confined to some layouts' keys or commands: run the layouts it may use.
                            System.err.println("sessionbench: skipping " + l + ": " + e.getMessage());
                            refused.add(l);
                        }
                    }
                }
            }
        }
        return refused;
    }

    private int measurementIterations(Profile p, Profile.RunSpec spec) {
        return iterations != null ? iterations : spec.iterations() > 0 ? spec.iterations() : p.measurementIterations;
    }

    private long warmupMillis(Profile p) {
        return seconds == null ? p.warmupMillis : seconds * 1000L;
    }

    private long measurementMillis(Profile p) {
        return seconds == null ? p.measurementMillis : seconds * 1000L;
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0);
    }

    private static Profile profileOf(String name) {
        for (Profile p : Profile.values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new ConfigException("unknown profile '" + name + "'; use quick or full");
    }

    /** The profile's runs, narrowed to the chosen layouts and benchmarks. */
    List<Profile.RunSpec> plan(Profile p) {
        if (layouts != null) {
            layouts.forEach(Layout::of);
        }
        List<Profile.RunSpec> out = new ArrayList<>();
        for (Profile.RunSpec s : p.specs()) {
            Map<String, String> params = new LinkedHashMap<>(s.params());
            if (layouts != null) {
                List<String> keep = Arrays.stream(params.get("layout").split(",")).filter(layouts::contains).toList();
                if (keep.isEmpty()) {
                    continue;
                }
                params.put("layout", String.join(",", keep));
            }
            if (liveSessions != null && !s.params().containsKey("liveSessions")) {
                params.put("liveSessions", String.valueOf(liveSessions));
            }
            String include = s.include();
            if (benchmarks != null) {
                include = narrow(s.include(), benchmarks);
                if (include == null) {
                    continue;
                }
            }
            out.add(new Profile.RunSpec(s.name(), include, params, threads == null ? s.threads() : threads, s.iterations(), s.forks()));
        }
        if (out.isEmpty()) {
            throw new ConfigException("nothing to run: --layouts/--benchmarks leave no benchmark of profile " + p.name().toLowerCase());
        }
        return out;
    }

    /** Restricts a spec's method regex ({@code SessionOps\\.} or {@code SessionOps\\.(a|b)$}) to methods matching {@code wanted}. */
    static String narrow(String include, String wanted) {
        java.util.regex.Pattern w = java.util.regex.Pattern.compile("^(" + wanted + ")$");
        String prefix = "SessionOps\\.";
        String methods = include.substring(prefix.length()).replace("$", "").replace("(", "").replace(")", "");
        if (methods.isEmpty()) {
            return prefix + "(" + wanted + ")$";
        }
        List<String> keep = Arrays.stream(methods.split("\\|")).filter(m -> w.matcher(m).matches()).toList();
        return keep.isEmpty() ? null : prefix + "(" + String.join("|", keep) + ")$";
    }

    private org.openjdk.jmh.runner.options.Options options(Profile p, Profile.RunSpec spec, Path secrets, Path histograms,
                                                           Path preload, String serverPids) {
        ChainedOptionsBuilder o = new OptionsBuilder().include("io\\.sessionbench\\.bench\\." + spec.include())
                .forks(forks == null ? spec.forksOr(p.forks) : forks)
                .warmupIterations(warmups == null ? p.warmupIterations : warmups)
                .warmupTime(TimeValue.milliseconds(warmupMillis(p)))
                .measurementIterations(measurementIterations(p, spec))
                .measurementTime(TimeValue.milliseconds(measurementMillis(p)))
                .threads(spec.threads())
                .addProfiler(HdrProfiler.class)
                .shouldFailOnError(true)
                // Options given here replace the @Fork annotation's, so the heap and GC are set again: a fixed,
                // pre-touched heap and the throughput collector, so heap growth never happens during measurement.
                .jvmArgsAppend(FORK_HEAP[0], FORK_HEAP[1], FORK_HEAP[2], "-Dsessionbench.endpoints=" + secrets, "-Dsessionbench.histograms=" + histograms.toAbsolutePath(),
                        "-Dsessionbench.preload=" + preload,
                        "-D" + io.sessionbench.bench.BenchParams.KEYS_PROPERTY + "=" + targets.keys().label(),
                        "-D" + io.sessionbench.bench.BenchParams.CLUSTER_CLIENT_PROPERTY + "=" + targets.clusterSettings().text(), "-D" + io.sessionbench.metrics.NoiseProbe.SERVER_PIDS + "=" + serverPids);
        spec.params().forEach((k, v) -> o.param(k, v.split(",")));
        return o.build();
    }
}
