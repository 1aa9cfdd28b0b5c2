package io.sessionbench.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Targets;
import io.sessionbench.report.BenchRecord;
import io.sessionbench.report.Stats;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code gate}: a base and a head build on one machine, against the same servers. Each round runs every benchmark
 * once on each build, one fresh JVM per trial (a JMH fork), benchmarks and the two builds in an order drawn at random
 * per round (RMIT, Abedi &amp; Brecht 2017), so drift and placement luck hit both; each base trial is paired with the
 * head trial of its round and the pairs' log ratios are judged ({@link GateVerdict}). Rounds continue while the next
 * one fits the budget; the number of rounds never depends on the results, so stopping cannot choose a verdict.
 */
public final class Gate {
    /** The study-only slowdown handed to the head build's trials. */
    public static final String SLOWDOWN_PROPERTY = "sessionbench.slowdownNanos";

    /**
     * What to run: builds, benchmarks, metrics judged, budget or fixed rounds, each trial's warm-up and measurement,
     * the judgement's threshold and minimum change, the study-only head slowdown (percent, 0 for none), the order seed.
     */
    public record Settings(Path base, Path head, List<GateTarget> targets, List<Trial.Metric> metrics, Duration budget,
                           Integer rounds, int warmups, double warmupSeconds, int iterations, double iterationSeconds,
                           double thresholdPercent, double minChangePercent, double headSlowdownPercent, long seed,
                           List<String> jvmArgs) {
        public boolean slowed() {
            return headSlowdownPercent > 0;
        }

        public String slowdownWords() {
            return slowed() ? String.format(Locale.ROOT, "STUDY ONLY: head slowed by +%s %% per call (--head-slowdown)",
                    new java.text.DecimalFormat("0.#").format(headSlowdownPercent)) : "";
        }
    }

    private final Settings s;
    private final Path out;
    private final PrintStream log;
    private volatile TrialRunner runner;
    private final Map<GateTarget, Long> slowdownNanos = new HashMap<>();
    private final List<Trial> trials = new ArrayList<>();

    public Gate(Settings settings, Path out, PrintStream log) {
        this.s = settings;
        this.out = out;
        this.log = log;
    }

    /** Checks that a jar is a sessionbench build that lists the benchmark the gate runs; one line when not. */
    public static void checkJar(Path jar, String side) {
        if (!Files.isRegularFile(jar)) {
            throw new ConfigException("--" + side + " " + jar + " is not a file; give a built target/benchmarks.jar");
        }
        try {
            Process p = new ProcessBuilder(TrialRunner.java(), "-jar", jar.toString(), "-l").redirectErrorStream(true).start();
            String listing = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0 || !listing.contains("io.sessionbench.bench.SessionOps.request")) {
                throw new ConfigException("--" + side + " " + jar + " does not list sessionbench's benchmarks (java -jar " + jar
                        + " -l); give a sessionbench target/benchmarks.jar");
            }
        } catch (IOException e) {
            throw new ConfigException("cannot run " + jar + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while checking " + jar);
        }
    }

    /** Runs the rounds against {@code targets}, writing trials and verdict as they come; returns the verdict. */
    public GateVerdict run(Targets targets) throws IOException, InterruptedException {
        writeSettings(targets);
        Random order = new Random(s.seed());
        long start = System.nanoTime();
        int round = 0;
        try (TrialRunner r = new TrialRunner(targets, out.resolve("trials"), s.warmups(), s.warmupSeconds(), s.iterations(),
                s.iterationSeconds(), s.jvmArgs())) {
            runner = r;
            while (true) {
                round++;
                runRound(round, order, start);
                double elapsed = (System.nanoTime() - start) / 1e9;
                double perRound = elapsed / round;
                if (round == 1 && s.rounds() == null) {
                    log.printf(Locale.ROOT, "gate: round 1 took %.0f s; about %d rounds fit the %s budget%n", perRound,
                            Math.max(2, (int) (s.budget().toSeconds() / perRound)), minutes(s.budget()));
                }
                boolean more = s.rounds() != null ? round < s.rounds()
                        : round < 2 || elapsed + perRound <= s.budget().toSeconds();
                if (!more) {
                    break;
                }
            }
        }
        GateVerdict v = verdict();
        write(v, null);
        return v;
    }

    private void runRound(int round, Random order, long start) throws IOException, InterruptedException {
        List<GateTarget> benchmarks = Rounds.shuffled(s.targets(), order);
        int position = 0;
        for (GateTarget g : benchmarks) {
            boolean baseFirst = order.nextBoolean() || (s.slowed() && !slowdownNanos.containsKey(g));
            for (Trial.Side side : baseFirst ? List.of(Trial.Side.BASE, Trial.Side.HEAD) : List.of(Trial.Side.HEAD, Trial.Side.BASE)) {
                Trial t = trial(round, ++position, side, g);
                trials.add(t);
                Trial.append(out.resolve("trials.csv"), t);
                if (side == Trial.Side.BASE && s.slowed() && !slowdownNanos.containsKey(g)) {
                    double callNanos = 1e9 / Stats.median(t.ok());
                    slowdownNanos.put(g, Math.round(callNanos * s.headSlowdownPercent() / 100));
                    log.printf(Locale.ROOT, "gate: %s: base call %.1f µs; head calls get +%d ns (%s)%n", g.label(), callNanos / 1000,
                            slowdownNanos.get(g), s.slowdownWords());
                }
                log.printf(Locale.ROOT, "gate: round %d · %-4s · %-34s %,10.0f ok/s  P99 %,7.0f µs  %4.1f s  (%s elapsed)%n", round,
                        side.name().toLowerCase(Locale.ROOT), g.label(), Stats.median(t.ok()), Stats.median(t.p99()), t.seconds(),
                        minutes(Duration.ofNanos(System.nanoTime() - start)));
            }
        }
    }

    private Trial trial(int round, int position, Trial.Side side, GateTarget g) throws IOException, InterruptedException {
        long nanos = side == Trial.Side.HEAD ? slowdownNanos.getOrDefault(g, 0L) : 0L;
        return runner.run(side == Trial.Side.BASE ? s.base() : s.head(), round, position, side, g, nanos);
    }

    /** A trial that did not produce results: which build, and where its output is. */
    public static final class TrialFailed extends RuntimeException {
        public final Trial.Side side;

        TrialFailed(Trial.Side side, String message) {
            super(message);
            this.side = side;
        }
    }

    /** The verdict of the trials so far. */
    public GateVerdict verdict() {
        return GateVerdict.judge(trials, s.metrics(), s.thresholdPercent(), s.minChangePercent(), s.slowdownWords());
    }

    /** Writes {@code gate.md} and {@code gate.json}; {@code incomplete} (when not null) says why the gate stopped early. */
    public void write(GateVerdict v, String incomplete) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = v.json();
        if (incomplete != null) {
            root.put("incomplete", incomplete);
            Files.writeString(out.resolve("INCOMPLETE"), incomplete + "\n");
        }
        Files.writeString(out.resolve("gate.json"), m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        StringBuilder md = new StringBuilder("# Regression gate: base against head on one machine\n\n");
        if (s.slowed()) {
            md.append("**").append(s.slowdownWords()).append(": the head build's figures are not its own.**\n\n");
        }
        if (incomplete != null) {
            md.append("**Incomplete: ").append(incomplete).append("**\n\n");
        }
        // what failed first, then what the speed says
        md.append(v.failures().isEmpty() ? "" : v.failures().replace("\n", "\n\n")).append("**").append(v.summary()).append("**\n\n")
                .append("```\n").append(v.table()).append("```\n\n")
                .append(conditions(v)).append('\n');
        Files.writeString(out.resolve("gate.md"), md.toString());
    }

    private String conditions(GateVerdict v) {
        return String.format(Locale.ROOT, """
                        Base `%s` (sha256 %s), head `%s` (sha256 %s). %d round(s); per round every benchmark once on each \
                        build, in an order drawn at random (seed %d); each trial a fresh JVM (%s): %d × %s s warm-up, %d × \
                        %s s measurement, 1 thread, 2 KB sessions, the servers shared by both builds. Each base trial is paired \
                        with the head trial of its round; a trial's value is the median of its iterations (disturbed ones \
                        left out); the change is the geometric mean of the pairs' ratios head/base, its interval from a \
                        hierarchical bootstrap (pairs, then iterations) with Student's t on pairs − 1 degrees of freedom, \
                        the %.0f %% one-sided false-alarm rate shared by the %d metric(s) (confidence %.1f %% per interval). \
                        *Slower*: the whole interval on the slower side and the estimate at least %s %% slower. *No change*: \
                        the whole interval within ±%s %%. *Resolution*: the smallest slowdown (each call costing that much \
                        more) the gate would have caught with 80 %% power at the noise it saw. Exit 1: a metric slower; 0: \
                        none slower and each shown unchanged or resolved to the threshold; 3: otherwise. \
                        Trials per iteration: `trials.csv`; machine and servers: `env.json`.
                        """, s.base(), digest(s.base()), s.head(), digest(s.head()), v.rounds(), s.seed(),
                s.jvmArgs().isEmpty() ? "no extra JVM options" : "`" + String.join(" ", s.jvmArgs()) + "`", s.warmups(),
                seconds(s.warmupSeconds()), s.iterations(), seconds(s.iterationSeconds()), 100 * v.rules().familyAlpha(),
                v.rules().metrics(), 100 * v.rules().confidence(), seconds(v.rules().minChangePercent()),
                seconds(v.rules().thresholdPercent()));
    }

    private void writeSettings(Targets targets) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode run = m.createObjectNode();
        run.put("command", "gate");
        run.put("base", s.base().toString());
        run.put("baseSha256", digest(s.base()));
        run.put("head", s.head().toString());
        run.put("headSha256", digest(s.head()));
        run.put("benchmarks", String.join(", ", s.targets().stream().map(GateTarget::label).toList()));
        run.put("metrics", String.join(", ", s.metrics().stream().map(x -> x.label).toList()));
        run.put("budget", s.rounds() == null ? minutes(s.budget()) : s.rounds() + " rounds");
        run.put("warmup", s.warmups() + " × " + seconds(s.warmupSeconds()) + " s");
        run.put("measurement", s.iterations() + " × " + seconds(s.iterationSeconds()) + " s");
        run.put("seed", s.seed());
        run.put("trialJvmArgs", String.join(" ", s.jvmArgs()));
        run.put("thresholdPercent", s.thresholdPercent());
        run.put("headSlowdown", s.slowed() ? s.slowdownWords() : null);
        ObjectNode env = io.sessionbench.report.Environment.collect(targets, run);
        Files.writeString(out.resolve("env.json"), m.writerWithDefaultPrettyPrinter().writeValueAsString(env));
    }

    static String digest(Path jar) {
        try (var in = Files.newInputStream(jar)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(d.digest()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code 0.5}, {@code 1}: seconds without trailing zeros. */
    public static String seconds(double v) {
        return new java.text.DecimalFormat("0.##", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)).format(v);
    }

    static String minutes(Duration d) {
        long sec = d.toSeconds();
        return sec >= 60 ? String.format(Locale.ROOT, "%d min %02d s", sec / 60, sec % 60) : sec + " s";
    }

    /** On Ctrl-C: the endpoints file goes before the JVM does (the normal path closes the runner). */
    public void removeSecrets() {
        TrialRunner r = runner;
        if (r != null) {
            r.removeSecrets();
        }
    }

    /** Trials run so far. */
    public int trialCount() {
        return trials.size();
    }
}
