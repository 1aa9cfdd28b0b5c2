package io.sessionbench.gate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One JVM of one build running one benchmark: its per-iteration successful calls per second and P99, and what
 * disturbed each iteration. {@code trials.csv} holds one row per iteration, so a gate can be judged again, and a
 * study resampled, from its file alone.
 */
public record Trial(int round, int position, Side side, String benchmark, double[] ok, double[] p99,
                    List<List<String>> disturbed, double seconds, long slowdownNanos, double[] errors, Stage stage) {
    public enum Side { BASE, HEAD }

    /**
     * The stage a trial was run in: the screen (every benchmark) or the confirmation (the benchmarks the screen
     * flagged, fresh trials); {@code SINGLE}: a gate of one stage, written before the gate had two.
     */
    public enum Stage {
        SINGLE, SCREEN, CONFIRM;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A trial's seconds beyond its iterations, the fewest seen here: a host JVM and a fork's start, set-up, JIT warm-up
     * and exit (3.6–6.4 s per fork in results/2026-12-06_fork-cost); the smallest budget a gate accepts follows from it.
     */
    public static final double FIXED_SECONDS = 4;
    static final String HEADER = "round,position,side,benchmark,iteration,ok_per_s,p99_us,disturbed,trial_seconds,head_slowdown_ns,errors_per_s,stage";
    /** The header of one-stage gates' trials files (read as stage {@code single}). */
    static final String HEADER_ONE_STAGE = "round,position,side,benchmark,iteration,ok_per_s,p99_us,disturbed,trial_seconds,head_slowdown_ns,errors_per_s";
    /** The header of trials files written before failed calls were kept (read as none failed). */
    static final String HEADER_BEFORE_ERRORS = "round,position,side,benchmark,iteration,ok_per_s,p99_us,disturbed,trial_seconds,head_slowdown_ns";

    public Trial {
        if (errors == null) {
            errors = new double[0];
        }
        if (stage == null) {
            stage = Stage.SINGLE;
        }
    }

    /** A trial of a one-stage gate. */
    public Trial(int round, int position, Side side, String benchmark, double[] ok, double[] p99, List<List<String>> disturbed,
                 double seconds, long slowdownNanos, double[] errors) {
        this(round, position, side, benchmark, ok, p99, disturbed, seconds, slowdownNanos, errors, Stage.SINGLE);
    }

    /** This trial as one of {@code stage}. */
    public Trial in(Stage s) {
        return new Trial(round, position, side, benchmark, ok, p99, disturbed, seconds, slowdownNanos, errors, s);
    }

    /** A trial without failed calls recorded. */
    public Trial(int round, int position, Side side, String benchmark, double[] ok, double[] p99, List<List<String>> disturbed,
                 double seconds, long slowdownNanos) {
        this(round, position, side, benchmark, ok, p99, disturbed, seconds, slowdownNanos, new double[0], Stage.SINGLE);
    }

    /** Failed calls per second, summed over the trial's iterations (0 when none failed or none were recorded). */
    public double failedPerSecond() {
        return java.util.Arrays.stream(errors).sum();
    }

    /** The metric values of this trial by metric name ({@code ok/s}, {@code p99}). */
    double[] values(Metric m) {
        return m == Metric.OK ? ok : p99;
    }

    /** The metrics the gate judges: successful calls per second (higher is better) and P99 (lower is better). */
    public enum Metric {
        OK("ok/s", true), P99("p99 µs", false);

        final String label;
        final boolean higherIsBetter;

        Metric(String label, boolean higherIsBetter) {
            this.label = label;
            this.higherIsBetter = higherIsBetter;
        }

        public static Metric of(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "ok", "ok/s", "score", "throughput" -> OK;
                case "p99" -> P99;
                default -> throw new io.sessionbench.infra.ConfigException("unknown gate metric '" + s + "'; use ok or p99");
            };
        }
    }

    public static void append(Path csv, Trial t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.ok.length; i++) {
            b.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%d,%.3f,%.3f,%s,%.1f,%d,%.3f,%s%n", t.round, t.position,
                    t.side.name().toLowerCase(Locale.ROOT), t.benchmark, i + 1, t.ok[i], i < t.p99.length ? t.p99[i] : Double.NaN,
                    i < t.disturbed.size() ? String.join("+", t.disturbed.get(i)) : "", t.seconds, t.slowdownNanos,
                    i < t.errors.length ? t.errors[i] : 0.0, t.stage.word()));
        }
        try {
            if (!Files.exists(csv)) {
                Files.writeString(csv, HEADER + "\n");
            }
            Files.writeString(csv, b.toString(), java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every trial of a {@code trials.csv}, in file order. */
    public static List<Trial> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new io.sessionbench.infra.ConfigException("cannot read " + csv + ": " + e.getMessage() + "; give a gate results folder");
        }
        if (lines.isEmpty() || !(lines.get(0).equals(HEADER) || lines.get(0).equals(HEADER_ONE_STAGE)
                || lines.get(0).equals(HEADER_BEFORE_ERRORS))) {
            throw new io.sessionbench.infra.ConfigException(csv + " is not a gate trials file (its first line must be: " + HEADER + ")");
        }
        Map<String, List<String[]>> byTrial = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length < 10 || f.length > 12) {
                throw new io.sessionbench.infra.ConfigException(csv + ": malformed line '" + line + "'");
            }
            byTrial.computeIfAbsent(f[0] + "," + f[1], k -> new ArrayList<>()).add(f);
        }
        List<Trial> out = new ArrayList<>();
        for (List<String[]> rows : byTrial.values()) {
            String[] first = rows.get(0);
            List<List<String>> disturbed = rows.stream().map(r -> r[7].isEmpty() ? List.<String>of() : Arrays.asList(r[7].split("\\+"))).toList();
            out.add(new Trial(Integer.parseInt(first[0]), Integer.parseInt(first[1]), Side.valueOf(first[2].toUpperCase(Locale.ROOT)),
                    first[3], rows.stream().mapToDouble(r -> Double.parseDouble(r[5])).toArray(),
                    rows.stream().mapToDouble(r -> Double.parseDouble(r[6])).toArray(), disturbed,
                    Double.parseDouble(first[8]), Long.parseLong(first[9]),
                    // a file written before failed calls were kept records none: an empty array, not zeros
                    first.length > 10 ? rows.stream().mapToDouble(r -> Double.parseDouble(r[10])).toArray() : new double[0],
                    first.length > 11 ? stage(csv, first[11]) : Stage.SINGLE));
        }
        return out;
    }

    private static Stage stage(Path csv, String word) {
        for (Stage s : Stage.values()) {
            if (s.word().equals(word)) {
                return s;
            }
        }
        throw new io.sessionbench.infra.ConfigException(csv + ": unknown stage '" + word + "' (screen, confirm or single)");
    }
}
