package io.sessionbench.gate;

import io.sessionbench.infra.Targets;
import io.sessionbench.report.BenchRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one trial: one benchmark of one build in a fresh JMH fork against the shared servers, and reads back its
 * per-iteration figures. Every trial of a gate or a dimensioning run shares the endpoints file (0600, removed by
 * {@link #close}), the preloaded sessions (so no trial pays for or disturbs another's preload; removed from the
 * servers by {@link #close}) and a scratch folder for histograms; the JMH JSON and log of a trial are removed once
 * read, and kept when the trial failed.
 */
public final class TrialRunner implements AutoCloseable {
    /** JVM options of every trial (as the benchmarks' own {@code @Fork}): a fixed heap, the parallel collector. */
    static final List<String> TRIAL_JVM = io.sessionbench.bench.BenchParams.FORK_JVM;

    private final Path trialsDir;
    private final Path secrets;
    private final Path preload;
    private final Path histograms;
    private final int warmups;
    private final double warmupSeconds;
    private final int iterations;
    private final double iterationSeconds;
    private final String serverPids;
    private final Targets targets;
    private final List<String> jvmArgs;
    /** Each build's JMH host, started at its first trial; an empty value: the build has none (a java -jar per trial). */
    private final java.util.Map<Path, java.util.Optional<Worker>> workers = new java.util.HashMap<>();

    /** {@code jvmArgs}: options added to every trial JVM (a placement such as {@code -XX:ActiveProcessorCount=1}). */
    public TrialRunner(Targets targets, Path trialsDir, int warmups, double warmupSeconds, int iterations, double iterationSeconds,
                       List<String> jvmArgs) throws IOException {
        String pid = String.valueOf(ProcessHandle.current().pid());
        this.trialsDir = trialsDir;
        this.secrets = Path.of("target", "trial-endpoints-" + pid + ".properties").toAbsolutePath();
        this.preload = Path.of("target", "trial-preload-" + pid).toAbsolutePath();
        this.histograms = Path.of("target", "trial-histograms-" + pid).toAbsolutePath();
        this.warmups = warmups;
        this.warmupSeconds = warmupSeconds;
        this.iterations = iterations;
        this.iterationSeconds = iterationSeconds;
        this.targets = targets;
        this.jvmArgs = List.copyOf(jvmArgs);
        // The noise probe counts the servers under test apart from other processes.
        this.serverPids = io.sessionbench.metrics.ServerProcesses.of(targets).property();
        Files.createDirectories(trialsDir);
        Files.createDirectories(histograms);
        targets.endpoints().writeSecretFile(secrets);
    }

    /** Runs {@code g} on {@code jar}; {@code slowdownNanos} above 0 slows each measured call (studies of the gate only). */
    public Trial run(Path jar, int round, int position, Trial.Side side, GateTarget g, long slowdownNanos)
            throws IOException, InterruptedException {
        String name = String.format(Locale.ROOT, "r%02d-%02d-%s-%s", round, position, side.name().toLowerCase(Locale.ROOT), g.slug());
        Path json = trialsDir.resolve(name + ".json");
        Path logFile = trialsDir.resolve(name + ".log");
        List<String> jvm = new ArrayList<>(TRIAL_JVM);
        jvm.addAll(jvmArgs);
        jvm.add("-Dsessionbench.endpoints=" + secrets);
        jvm.add("-Dsessionbench.preload=" + preload);
        jvm.add("-Dsessionbench.histograms=" + histograms);
        jvm.add("-D" + io.sessionbench.metrics.NoiseProbe.SERVER_PIDS + "=" + serverPids);
        if (slowdownNanos > 0) {
            jvm.add("-D" + Gate.SLOWDOWN_PROPERTY + "=" + slowdownNanos);
        }
        List<String> args = new ArrayList<>(g.jmhArgs());
        args.addAll(List.of("-f", "1", "-wi", String.valueOf(warmups), "-w", Math.round(warmupSeconds * 1000) + "ms",
                "-i", String.valueOf(iterations), "-r", Math.round(iterationSeconds * 1000) + "ms",
                "-prof", "io.sessionbench.metrics.HdrProfiler", "-jvmArgsAppend", String.join(" ", jvm),
                "-rf", "json", "-rff", json.toString()));
        Files.deleteIfExists(logFile);
        long t0 = System.nanoTime();
        Worker w = worker(jar);
        int code;
        if (w != null) {
            args.addAll(List.of("-o", logFile.toString()));
            code = w.run(args, logFile);
            if (code < 0) {
                workers.remove(jar); // it died; the next trial starts another
            }
        } else {
            List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", jar.toString()));
            cmd.addAll(args);
            code = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start().waitFor();
        }
        double took = (System.nanoTime() - t0) / 1e9;
        List<BenchRecord> records = code == 0 && Files.exists(json) && Files.size(json) > 0 ? BenchRecord.read(json) : List.of();
        if (records.size() != 1 || records.get(0).primary().raw().length == 0) {
            throw new Gate.TrialFailed(side, g.label() + ": the " + side.name().toLowerCase(Locale.ROOT) + " build's trial failed (exit "
                    + code + "); its output is in " + logFile);
        }
        BenchRecord r = records.get(0);
        BenchRecord.Metric p99 = r.secondary().get("p99");
        BenchRecord.Metric errors = r.secondary().get("errors");
        Trial t = new Trial(round, position, side, g.label(), r.primary().raw(), p99 == null ? new double[0] : p99.raw(),
                r.disturbedIterations(), took, slowdownNanos, errors == null ? new double[0] : errors.raw());
        Files.delete(json);
        Files.delete(logFile);
        return t;
    }

    /** {@code jar}'s worker, started on first use; {@code null} for a build without one. */
    private Worker worker(Path jar) throws IOException {
        java.util.Optional<Worker> w = workers.get(jar);
        if (w == null) {
            Path errors = trialsDir.resolve("worker-" + Integer.toHexString(jar.toString().hashCode()) + ".err");
            w = java.util.Optional.ofNullable(Worker.start(jar, errors));
            if (Files.exists(errors) && Files.size(errors) == 0) {
                Files.delete(errors);
            }
            workers.put(jar, w);
        }
        return w.orElse(null);
    }

    /** How trials are run: by a kept JMH host per build, or a java -jar per trial for a build without one. */
    public String hosts() {
        return workers.isEmpty() ? "" : workers.entrySet().stream()
                .map(e -> e.getKey().getFileName() + ": " + (e.getValue().isPresent() ? "one JMH host for every trial"
                        : "a java -jar per trial (the build has no gate-worker)"))
                .distinct().collect(java.util.stream.Collectors.joining("; "));
    }

    /** Removes the endpoints file, the histograms and the preloaded sessions (a line on stderr for any left behind). */
    @Override
    public void close() throws IOException {
        for (java.util.Optional<Worker> w : workers.values()) {
            if (w.isPresent()) {
                w.get().close();
            }
        }
        try {
            io.sessionbench.bench.SharedPreload.cleanup(preload,
                    layout -> layout.open(targets.endpoints(), io.sessionbench.store.Layout.StoreOptions.DEFAULT))
                    .forEach(p -> System.err.println("sessionbench: " + p));
        } finally {
            removeSecrets();
            if (Files.exists(histograms)) {
                try (var walk = Files.walk(histograms)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** Removes the endpoints file (it holds passwords); safe to call from a shutdown hook, and more than once. */
    public void removeSecrets() {
        try {
            Files.deleteIfExists(secrets);
        } catch (IOException e) {
            System.err.println("sessionbench: could not remove " + secrets + " (it holds the targets' passwords): " + e.getMessage());
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Space-separated JVM options; each must start with {@code -}. */
    public static List<String> jvmOptions(String text) {
        List<String> out = text == null || text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
        for (String a : out) {
            if (!a.startsWith("-")) {
                throw new io.sessionbench.infra.ConfigException("--jvm-args '" + text + "': '" + a + "' is not a JVM option (options start with -)");
            }
        }
        return out;
    }

    /** {@code 15%} or {@code 15} → 15; none → 0; {@code option} names it in the error. */
    public static double percent(String option, String text) {
        if (text == null) {
            return 0;
        }
        String t = text.trim().endsWith("%") ? text.trim().substring(0, text.trim().length() - 1) : text.trim();
        try {
            double v = Double.parseDouble(t);
            if (v > 0 && v <= 100) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new io.sessionbench.infra.ConfigException(option + " '" + text + "' must be a percentage above 0 and at most 100, e.g. 15%");
    }

}
