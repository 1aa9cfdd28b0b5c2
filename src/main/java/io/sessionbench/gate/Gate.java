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
                           double thresholdPercent, double minChangePercent, double headSlowdownPercent, GateTarget slowedOnly,
                           long seed, List<String> jvmArgs) {
        public boolean slowed() {
            return headSlowdownPercent > 0;
        }

        /** Whether the head's trials of {@code g} are slowed (study only): every benchmark, or the one named. */
        boolean slows(GateTarget g) {
            return slowed() && (slowedOnly == null || slowedOnly.equals(g));
        }

        public String slowdownWords() {
            return slowed() ? String.format(Locale.ROOT, "STUDY ONLY: head slowed by +%s %% per call%s (--head-slowdown)",
                    new java.text.DecimalFormat("0.#").format(headSlowdownPercent),
                    slowedOnly == null ? "" : " in " + slowedOnly.label() + " only") : "";
        }
    }

    /** The share of the budget the screen gets; the confirmation gets the rest (at least two rounds). */
    public static final double SCREEN_SHARE = 0.6;

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

    /**
     * Runs the screen's rounds over every benchmark against {@code targets}, then the confirmation's fresh rounds over
     * the benchmarks the screen flagged ({@link GateVerdict}), writing trials as they come; returns the verdict.
     */
    public GateVerdict run(Targets targets) throws IOException, InterruptedException {
        writeSettings(targets);
        Random order = new Random(s.seed());
        long start = System.nanoTime();
        try (TrialRunner r = new TrialRunner(targets, out.resolve("trials"), s.warmups(), s.warmupSeconds(), s.iterations(),
                s.iterationSeconds(), s.jvmArgs())) {
            runner = r;
            int round = stage(Trial.Stage.SCREEN, s.targets(), 0, s.budget().toSeconds() * SCREEN_SHARE, order, start);
            GateVerdict screen = verdict();
            List<GateTarget> flagged = s.targets().stream().filter(g -> screen.flagged().contains(g.label())).toList();
            if (flagged.isEmpty()) {
                log.println("gate: the screen flagged nothing; no confirmation rounds");
            } else {
                for (GateVerdict.Line l : screen.lines()) {
                    if (l.stage() == Trial.Stage.CONFIRM) {
                        log.printf(Locale.ROOT, "gate: the screen flagged %s · %s: %s%n", l.benchmark(), l.metric().label, l.flagReason());
                    }
                }
                double left = s.budget().toSeconds() - (System.nanoTime() - start) / 1e9;
                stage(Trial.Stage.CONFIRM, flagged, round, left, order, start);
            }
            log.println("gate: trials run by " + r.hosts());
        }
        GateVerdict v = verdict();
        write(v, null);
        return v;
    }

    /**
     * One stage's rounds over {@code benchmarks}, numbered after {@code roundsBefore}: {@code --rounds} of them, or while
     * the next fits {@code seconds} (two at least); returns the last round's number.
     */
    private int stage(Trial.Stage stage, List<GateTarget> benchmarks, int roundsBefore, double seconds, Random order, long start)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        int n = 0;
        while (true) {
            n++;
            runRound(roundsBefore + n, stage, benchmarks, order, start);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double perRound = elapsed / n;
            if (n == 1 && s.rounds() == null) {
                log.printf(Locale.ROOT, "gate: %s round 1 took %.0f s; about %d rounds fit its %.0f s%n", stage.word(), perRound,
                        Math.max(2, (int) (seconds / perRound)), seconds);
            }
            boolean more = s.rounds() != null ? n < s.rounds() : n < 2 || elapsed + perRound <= seconds;
            if (!more) {
                return roundsBefore + n;
            }
        }
    }

    private void runRound(int round, Trial.Stage stage, List<GateTarget> targets, Random order, long start)
            throws IOException, InterruptedException {
        List<GateTarget> benchmarks = Rounds.shuffled(targets, order);
        int position = 0;
        for (GateTarget g : benchmarks) {
            boolean calibrate = s.slows(g) && !slowdownNanos.containsKey(g);
            boolean baseFirst = order.nextBoolean() || calibrate;
            for (Trial.Side side : baseFirst ? List.of(Trial.Side.BASE, Trial.Side.HEAD) : List.of(Trial.Side.HEAD, Trial.Side.BASE)) {
                Trial t = trial(round, ++position, side, g).in(stage);
                trials.add(t);
                Trial.append(out.resolve("trials.csv"), t);
                if (side == Trial.Side.BASE && calibrate) {
                    double callNanos = 1e9 / Stats.median(t.ok());
                    slowdownNanos.put(g, Math.round(callNanos * s.headSlowdownPercent() / 100));
                    log.printf(Locale.ROOT, "gate: %s: base call %.1f µs; head calls get +%d ns (%s)%n", g.label(), callNanos / 1000,
                            slowdownNanos.get(g), s.slowdownWords());
                }
                log.printf(Locale.ROOT, "gate: %s %d · %-4s · %-34s %,10.0f ok/s  P99 %,7.0f µs  %4.1f s  (%s elapsed)%n", stage.word(),
                        round, side.name().toLowerCase(Locale.ROOT), g.label(), Stats.median(t.ok()), Stats.median(t.p99()), t.seconds(),
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
                .append("```\n").append(v.table()).append(v.stages()).append("```\n\n")
                .append(conditions(v)).append('\n');
        Files.writeString(out.resolve("gate.md"), md.toString());
    }

    private String conditions(GateVerdict v) {
        return String.format(Locale.ROOT, """
                        Base `%s` (sha256 %s), head `%s` (sha256 %s). Two stages: the screen ran %d round(s) of every                         benchmark, the confirmation %d fresh round(s) of the benchmarks the screen flagged; in each round                         every benchmark once on each build, in an order drawn at random (seed %d); each trial one JMH fork                         (%s) from its build's own JMH host, kept for the gate: %d × %s s warm-up, %d × %s s measurement,                         1 thread, 2 KB sessions, the servers shared by both builds. Each base trial is paired with the head                         trial of its round; a trial's value is the median of its iterations (disturbed ones left out); the                         change is the geometric mean of the pairs' ratios head/base, its interval from Student's t on the                         pairs' log ratios, their variance moderated toward a prior fitted to every screened benchmark's pairs                         (limma's moderated t). The screen flags a line slower at %.0f %% one-sided, or not resolved to the                         threshold; the confirmation judges a flagged line on its own fresh pairs, the %.0f %% one-sided                         false-alarm rate shared by the %d flagged line(s) (confidence %.1f %% per interval).                         *Slower*: the whole interval on the slower side and the estimate at least %s %% slower. *No change*:                         the whole interval within ±%s %%. *Resolution*: the smallest slowdown (each call costing that much                         more) the stage would have caught with 80 %% power at the noise it saw. Exit 1: a line confirmed                         slower, or the head failing calls the base did not; 0: none slower and each shown unchanged or                         resolved to the threshold; 3: otherwise. Trials per iteration: `trials.csv` (with their stage);                         machine and servers: `env.json`.
                        """, s.base(), digest(s.base()), s.head(), digest(s.head()), v.rounds(), v.confirmRounds(), s.seed(),
                s.jvmArgs().isEmpty() ? "no extra JVM options" : "`" + String.join(" ", s.jvmArgs()) + "`", s.warmups(),
                seconds(s.warmupSeconds()), s.iterations(), seconds(s.iterationSeconds()), 100 * GateVerdict.SCREEN_ALPHA,
                100 * v.rules().familyAlpha(), v.rules().metrics(), 100 * v.rules().confidence(), seconds(v.rules().minChangePercent()),
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
        run.put("stages", String.format(Locale.ROOT, "screen (%.0f %% of the budget, every benchmark), then confirmation of the "
                + "flagged benchmarks on fresh rounds", 100 * SCREEN_SHARE));
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
