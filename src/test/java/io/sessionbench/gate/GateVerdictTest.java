package io.sessionbench.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.report.Judge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's judgement of its trials, on trials shaped like this machine's (12 % between forks). */
class GateVerdictTest {
    @TempDir
    Path dir;

    private static Trial trial(SplittableRandom r, int round, Trial.Side side, double center, boolean disturbed) {
        double speed = center * Math.exp(0.12 * (r.nextDouble() * 2 - 1) * 1.7);
        double[] ok = new double[4];
        double[] p99 = new double[4];
        List<List<String>> marks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ok[i] = speed * (1 + 0.05 * (r.nextDouble() - 0.5));
            p99[i] = 1e6 / ok[i] * 3;
            marks.add(disturbed && i < 3 ? List.of("other processes") : List.of());
        }
        return new Trial(round, side.ordinal() + 1, side, "request redis-hash/lettuce 2KB t1", ok, p99, marks, 10, 0);
    }

    private static List<Trial> gate(long seed, int rounds, double headSlowdown, int disturbedRounds) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Trial> t = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            t.add(trial(r, i, Trial.Side.BASE, 10_000, i <= disturbedRounds));
            t.add(trial(r, i, Trial.Side.HEAD, 10_000 / (1 + headSlowdown), false));
        }
        return t;
    }

    @Test
    void aThirtyPercentSlowdownFailsTheGateAndIdenticalBuildsPass() {
        GateVerdict slow = GateVerdict.judge(gate(1, 20, 0.30, 0), List.of(Trial.Metric.OK), 15, 5, "");
        assertThat(slow.exitCode()).isEqualTo(1);
        assertThat(slow.lines().get(0).change().verdict()).isEqualTo(Judge.Verdict.SLOWER);
        assertThat(slow.summary()).startsWith("REGRESSION (exit 1)");
        GateVerdict same = GateVerdict.judge(gate(2, 20, 0, 0), List.of(Trial.Metric.OK), 15, 5, "");
        assertThat(same.exitCode()).isZero();
        assertThat(same.lines().get(0).change().verdict()).isEqualTo(Judge.Verdict.NO_CHANGE);
    }

    @Test
    void tooFewRoundsSayHowManyWouldDo() {
        GateVerdict v = GateVerdict.judge(gate(3, 3, 0, 0), List.of(Trial.Metric.OK, Trial.Metric.P99), 15, 5, "");
        assertThat(v.exitCode()).isEqualTo(3);
        assertThat(v.roundsNeeded()).isGreaterThan(3);
        assertThat(v.summary()).contains("rounds would reach it");
        assertThat(v.lines()).hasSize(2);
    }

    @Test
    void mostlyDisturbedTrialsDropTheirPairsAndMostlyDroppedIsNotJudged() {
        GateVerdict some = GateVerdict.judge(gate(4, 10, 0, 3), List.of(Trial.Metric.OK), 15, 5, "");
        assertThat(some.lines().get(0).pairs()).isEqualTo(7);
        assertThat(some.lines().get(0).dropped()).isEqualTo(3);
        GateVerdict most = GateVerdict.judge(gate(5, 10, 0, 6), List.of(Trial.Metric.OK), 15, 5, "");
        assertThat(most.lines().get(0).change().verdict()).isEqualTo(Judge.Verdict.DISTURBED);
        assertThat(most.exitCode()).isEqualTo(3);
    }

    @Test
    void trialsSurviveTheirFile() {
        Path csv = dir.resolve("trials.csv");
        List<Trial> t = gate(6, 2, 0, 1);
        t.forEach(x -> Trial.append(csv, x));
        List<Trial> back = Trial.read(csv);
        assertThat(back).hasSize(4);
        assertThat(back.get(0).ok()).containsExactly(t.get(0).ok(), org.assertj.core.data.Offset.offset(0.001));
        assertThat(back.get(0).disturbed()).isEqualTo(t.get(0).disturbed());
        assertThat(GateVerdict.judge(back, List.of(Trial.Metric.OK), 15, 5, "").exitCode())
                .isEqualTo(GateVerdict.judge(t, List.of(Trial.Metric.OK), 15, 5, "").exitCode());
    }

    /** A head whose calls fail where the base's did not is a regression however fast, said before any speed. */
    @org.junit.jupiter.api.Test
    void aHeadThatFailsCallsTheBaseDidNotIsARegressionWhateverItsSpeed() {
        List<Trial> trials = new ArrayList<>();
        for (Trial t : gate(7, 10, -0.10, 0)) { // the head 10 % faster
            trials.add(t.side() == Trial.Side.HEAD && t.round() <= 3 ? new Trial(t.round(), t.position(), t.side(), t.benchmark(), t.ok(),
                    t.p99(), t.disturbed(), t.seconds(), t.slowdownNanos(), new double[] {0, 5, 0, 0}) : t);
        }
        GateVerdict v = GateVerdict.judge(trials, List.of(Trial.Metric.OK), 15, 5, "");
        org.assertj.core.api.Assertions.assertThat(v.exitCode()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(v.summary()).startsWith("REGRESSION (exit 1): the head build's calls failed");
        org.assertj.core.api.Assertions.assertThat(v.failures()).contains("head 3 of 10 trials", "base 0 of 10");
        GateVerdict clean = GateVerdict.judge(gate(7, 10, -0.10, 0), List.of(Trial.Metric.OK), 15, 5, "");
        // trials without failed calls recorded say so; recorded and none failed says none
        org.assertj.core.api.Assertions.assertThat(clean.failures()).startsWith("failed calls: not recorded");
        List<Trial> counted = gate(7, 10, -0.10, 0).stream().map(t -> new Trial(t.round(), t.position(), t.side(), t.benchmark(), t.ok(),
                t.p99(), t.disturbed(), t.seconds(), t.slowdownNanos(), new double[t.ok().length])).toList();
        org.assertj.core.api.Assertions.assertThat(GateVerdict.judge(counted, List.of(Trial.Metric.OK), 15, 5, "").failures())
                .isEqualTo("failed calls: none, in 10 base and 10 head trials\n");
    }

    /** A trials file keeps the failed calls; one written before they were kept reads as none failed and says they were not recorded. */
    @org.junit.jupiter.api.Test
    void trialsFilesKeepFailedCallsAndOldOnesStillRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path csv = dir.resolve("trials.csv");
        Trial.append(csv, new Trial(1, 1, Trial.Side.HEAD, "b", new double[] {10, 11}, new double[] {3, 3}, List.of(List.of(), List.of()),
                5, 0, new double[] {0, 2}));
        org.assertj.core.api.Assertions.assertThat(Trial.read(csv).get(0).failedPerSecond()).isEqualTo(2);
        java.nio.file.Path old = dir.resolve("old.csv");
        java.nio.file.Files.writeString(old, Trial.HEADER_BEFORE_ERRORS + "\n1,1,head,b,1,10.000,3.000,,5.0,0\n");
        org.assertj.core.api.Assertions.assertThat(Trial.read(old).get(0).failedPerSecond()).isZero();
        // and says it did not record them, rather than "none failed"
        org.assertj.core.api.Assertions.assertThat(Trial.read(old).get(0).errors()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(GateVerdict.judge(Trial.read(old), List.of(Trial.Metric.OK), 15, 5, "").failures())
                .startsWith("failed calls: not recorded");
    }
}
