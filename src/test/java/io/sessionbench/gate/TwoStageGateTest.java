package io.sessionbench.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-stage gate on simulated trials with known noise: a screen of every benchmark, then fresh confirmation rounds of
 * the benchmarks it flagged, run exactly as {@link Gate} runs them (the flagged set read from the screen's verdict). The
 * false-alarm rate of identical builds stays within the rate the gate states, with normal and with heavy-tailed noise;
 * a benchmark slowed alone is named alone.
 */
class TwoStageGateTest {
    @TempDir
    Path dir;

    static final List<String> BENCHMARKS = List.of("request redis-hash/lettuce 2KB t1", "request redis-json/lettuce 2KB t1",
            "request redis-blob/lettuce 2KB t1", "request memcached-blob 2KB t1", "request postgres 2KB t1",
            "request redis-hash/jedis 2KB t1", "request redis-hash/redisson 2KB t1");

    /** One trial: a fork's speed drawn around {@code center} (log sd {@code sd}; heavy: Student's t with 3 df), 4 iterations. */
    private static Trial trial(SplittableRandom r, int round, int position, Trial.Side side, String benchmark, double center, double sd,
                               boolean heavy, Trial.Stage stage) {
        double z = heavy ? studentT3(r) / Math.sqrt(3) : gaussian(r);
        double speed = center * Math.exp(sd * z);
        double[] ok = new double[4];
        double[] p99 = new double[4];
        List<List<String>> marks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ok[i] = speed * (1 + 0.02 * gaussian(r));
            p99[i] = 3e6 / ok[i];
            marks.add(List.of());
        }
        return new Trial(round, position, side, benchmark, ok, p99, marks, 6, 0, new double[4], stage);
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static double studentT3(SplittableRandom r) {
        double chi = 0;
        for (int i = 0; i < 3; i++) {
            double g = gaussian(r);
            chi += g * g;
        }
        return gaussian(r) / Math.sqrt(chi / 3);
    }

    /** Adds one stage's rounds over {@code benchmarks}; the head of {@code slowed} is slower by {@code slowdown}. */
    private static int rounds(List<Trial> out, SplittableRandom r, Trial.Stage stage, List<String> benchmarks, int from, int n,
                              String slowed, double slowdown, double sd, boolean heavy) {
        for (int round = from + 1; round <= from + n; round++) {
            int position = 0;
            for (String b : benchmarks) {
                double center = 5000 + 1000 * BENCHMARKS.indexOf(b);
                out.add(trial(r, round, ++position, Trial.Side.BASE, b, center, sd, heavy, stage));
                out.add(trial(r, round, ++position, Trial.Side.HEAD, b, b.equals(slowed) ? center / (1 + slowdown) : center, sd, heavy, stage));
            }
        }
        return from + n;
    }

    /** A whole simulated gate: screen rounds of all, then confirmation rounds of what the screen flagged. */
    static GateVerdict gate(long seed, int screenRounds, int confirmRounds, String slowed, double slowdown, double sd, boolean heavy) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Trial> trials = new ArrayList<>();
        int last = rounds(trials, r, Trial.Stage.SCREEN, BENCHMARKS, 0, screenRounds, slowed, slowdown, sd, heavy);
        List<String> flagged = GateVerdict.judge(trials, List.of(Trial.Metric.OK), 15, 5, "").flagged();
        rounds(trials, r, Trial.Stage.CONFIRM, flagged, last, confirmRounds, slowed, slowdown, sd, heavy);
        return GateVerdict.judge(trials, List.of(Trial.Metric.OK), 15, 5, "");
    }

    private static double rate(int gates, java.util.function.IntPredicate outcome) {
        return (double) java.util.stream.IntStream.range(0, gates).filter(outcome).count() / gates;
    }

    @Test
    void identicalBuildsFailNoMoreOftenThanTheStatedRateWithNormalNoise() {
        double bound = gate(1, 4, 10, null, 0, 0.08, false).falseAlarmBound();
        assertThat(bound).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
        double falseAlarms = rate(2000, s -> gate(1000 + s, 4, 10, null, 0, 0.08, false).exitCode() == 1);
        assertThat(falseAlarms).as("exit 1 of identical builds").isLessThanOrEqualTo(bound);
        // and a line passes by excluding a threshold slowdown, so identical builds are rarely left undecided
        assertThat(rate(2000, s -> gate(1000 + s, 4, 10, null, 0, 0.08, false).exitCode() == 3)).isLessThanOrEqualTo(0.02);
    }

    @Test
    void identicalBuildsFailNoMoreThanFivePercentWithHeavyTailsAndUnequalNoise() {
        // heavy tails (t with 3 df) and one noisier benchmark than the rest: the pooled prior then lends less
        double falseAlarms = rate(2000, s -> {
            SplittableRandom r = new SplittableRandom(5000 + s);
            return gate(r.nextLong(), 4, 10, null, 0, s % 2 == 0 ? 0.12 : 0.06, true).exitCode() == 1;
        });
        assertThat(falseAlarms).as("exit 1 of identical builds").isLessThanOrEqualTo(0.05);
    }

    @Test
    void oneBenchmarkSlowedIsNamedAloneAndConfirmed() {
        int named = 0;
        for (int s = 0; s < 200; s++) {
            GateVerdict v = gate(9000 + s, 4, 10, "request postgres 2KB t1", 0.20, 0.08, false);
            if (v.exitCode() == 1 && v.regressed().equals(List.of("request postgres 2KB t1"))) {
                named++;
            }
        }
        assertThat(named).as("gates exiting 1 naming postgres alone, of 200").isGreaterThanOrEqualTo(160);
        GateVerdict one = gate(9001, 4, 10, "request postgres 2KB t1", 0.20, 0.08, false);
        assertThat(one.summary()).startsWith("REGRESSION (exit 1) in request postgres 2KB t1");
        assertThat(one.lines().get(0).stage()).isEqualTo(Trial.Stage.CONFIRM);
        assertThat(one.stages()).contains("confirm: request postgres 2KB t1 · ok/s flagged").contains("false alarms:");
    }

    @Test
    void aFlaggedBenchmarkWithoutConfirmationRoundsCannotBeJudged() {
        SplittableRandom r = new SplittableRandom(3);
        List<Trial> trials = new ArrayList<>();
        rounds(trials, r, Trial.Stage.SCREEN, BENCHMARKS, 0, 4, "request postgres 2KB t1", 0.30, 0.05, false);
        GateVerdict v = GateVerdict.judge(trials, List.of(Trial.Metric.OK), 15, 5, "");
        assertThat(v.flagged()).contains("request postgres 2KB t1");
        assertThat(v.exitCode()).isEqualTo(3);
        assertThat(v.summary()).contains("request postgres 2KB t1 · ok/s");
    }

    @Test
    void stagesSurviveTheTrialsFileAndOneStageFilesAreJudgedAsBefore() throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        List<Trial> trials = new ArrayList<>();
        int last = rounds(trials, r, Trial.Stage.SCREEN, BENCHMARKS, 0, 3, null, 0, 0.08, false);
        rounds(trials, r, Trial.Stage.CONFIRM, BENCHMARKS.subList(0, 1), last, 3, null, 0, 0.08, false);
        Path csv = dir.resolve("trials.csv");
        trials.forEach(t -> Trial.append(csv, t));
        List<Trial> back = Trial.read(csv);
        assertThat(back).extracting(Trial::stage).containsExactlyElementsOf(trials.stream().map(Trial::stage).toList());
        Path old = dir.resolve("one-stage.csv");
        java.nio.file.Files.writeString(old, Trial.HEADER_ONE_STAGE + "\n1,1,base,b,1,10.000,3.000,,5.0,0,0.000\n"
                + "1,2,head,b,1,10.000,3.000,,5.0,0,0.000\n");
        assertThat(Trial.read(old)).extracting(Trial::stage).containsOnly(Trial.Stage.SINGLE);
        assertThat(GateVerdict.judge(Trial.read(old), List.of(Trial.Metric.OK), 15, 5, "").falseAlarmBound()).isNaN();
    }
}
