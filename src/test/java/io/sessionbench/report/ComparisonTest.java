package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {
    @TempDir
    Path dir;

    /** {@code forks} forks of six iterations around {@code center}, each fork and iteration off by up to {@code spread}. */
    private static double[][] forks(double center, double spread, int forks, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] out = new double[forks][];
        for (int f = 0; f < forks; f++) {
            double fc = center * (1 + spread * (2 * r.nextDouble() - 1));
            out[f] = java.util.stream.IntStream.range(0, 6).mapToDouble(i -> fc * (1 + spread / 2 * (2 * r.nextDouble() - 1))).toArray();
        }
        return out;
    }

    private static String raw(double[][] v, double factor) {
        return Arrays.stream(v).map(f -> "[" + Arrays.stream(f).mapToObj(x -> String.format(Locale.ROOT, "%f", x * factor))
                .collect(Collectors.joining(",")) + "]").collect(Collectors.joining(",", "[", "]"));
    }

    /**
     * A JMH JSON file with one request benchmark: the successful-calls counter {@code ok} (the throughput compared),
     * JMH's primary score (every invocation: here 1.5 times ok, so reading it would show), and a p99 secondary metric,
     * each with per-fork raw data.
     */
    private Path run(String name, double[][] ok, double[][] p99) throws Exception {
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, String.format(Locale.ROOT, """
                [{"benchmark":"io.sessionbench.bench.SessionOps.request","mode":"thrpt","threads":1,"forks":%d,
                  "params":{"layout":"redis-hash","sessionBytes":"2048"},
                  "primaryMetric":{"score":1,"scoreError":1,"scoreUnit":"ops/s","rawData":%s},
                  "secondaryMetrics":{"ok":{"score":1,"scoreError":1,"scoreUnit":"ops/s","rawData":%s},
                    "p99":{"score":1,"scoreError":"NaN","scoreUnit":"us","rawData":%s}}}]
                """, ok.length, raw(ok, 1.5), raw(ok, 1), raw(p99, 1)));
        return f;
    }

    private Path run(String name, double score, double spread, double p99, long seed) throws Exception {
        return run(name, forks(score, spread, 4, seed), forks(p99, spread, 4, seed + 1));
    }

    private static Comparison.Line line(List<Comparison.Line> lines, String metricStart) {
        return lines.stream().filter(l -> l.metric().startsWith(metricStart)).findFirst().orElseThrow();
    }

    private static Comparison comparison(String... metrics) {
        return new Comparison(Judge.Rules.of(15, 5, 1), List.of(metrics));
    }

    @Test
    void theThroughputComparedIsSuccessfulCallsNotInvocations() throws Exception {
        List<Comparison.Line> lines = comparison("score")
                .compare(List.of(run("base", 10000, 0.02, 200, 1)), List.of(run("cur", 10000, 0.02, 200, 3)));
        assertThat(line(lines, "ok/s").baseline()).isCloseTo(10000, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(line(lines, "ok/s").name()).isEqualTo("request redis-hash/lettuce 2KB t1");
    }

    @Test
    void aThroughputRegressionIsCaughtWithItsInterval() throws Exception {
        List<Comparison.Line> lines = comparison("score", "p99")
                .compare(List.of(run("base", 10000, 0.03, 200, 1)), List.of(run("cur", 8000, 0.03, 200, 3)));
        Judge.Change score = line(lines, "ok/s").change();
        assertThat(score.verdict()).isEqualTo(Judge.Verdict.SLOWER);
        assertThat(score.changePercent()).isBetween(-25.0, -15.0);
        assertThat(score.high()).isLessThan(1);
        assertThat(line(lines, "p99").change().verdict()).isEqualTo(Judge.Verdict.NO_CHANGE);
    }

    @Test
    void aLatencyIncreaseIsARegressionAndADecreaseAnImprovement() throws Exception {
        Comparison c = comparison("p99");
        assertThat(line(c.compare(List.of(run("b", 10000, 0.03, 200, 1)), List.of(run("c", 10000, 0.03, 260, 3))), "p99")
                .change().verdict()).isEqualTo(Judge.Verdict.SLOWER);
        assertThat(line(c.compare(List.of(run("b2", 10000, 0.03, 200, 1)), List.of(run("c2", 10000, 0.03, 150, 3))), "p99")
                .change().verdict()).isEqualTo(Judge.Verdict.FASTER);
    }

    @Test
    void aSmallChangeWithinTheThresholdIsNoChange() throws Exception {
        List<Comparison.Line> lines = comparison("score")
                .compare(List.of(run("base", 10000, 0.02, 200, 1)), List.of(run("cur", 9800, 0.02, 200, 3)));
        assertThat(line(lines, "ok/s").change().verdict()).isEqualTo(Judge.Verdict.NO_CHANGE);
    }

    @Test
    void samplesTooNoisyToResolveAreInconclusiveAndSayHowManyRunsWouldDo() throws Exception {
        Path base = run("base", 10000, 0.6, 200, 1);
        Path cur = run("cur", 9000, 0.6, 200, 3);
        Judge.Change c = line(comparison("score").compare(List.of(base), List.of(cur)), "ok/s").change();
        assertThat(c.verdict()).isEqualTo(Judge.Verdict.INCONCLUSIVE);
        assertThat(c.unitsNeeded()).isGreaterThan(4);
        assertThat(Main.run("compare", "--metrics", "score", base.toString(), cur.toString())).isEqualTo(3);
        assertThat(Main.run("compare", "--metrics", "score", "--allow-unjudged", base.toString(), cur.toString())).isZero();
        // accepted is not passed: the words say what was left unjudged, not "no regression"
        List<Comparison.Line> lines = comparison("score").compare(List.of(base), List.of(cur));
        Comparison.Outcome accepted = Comparison.outcome(lines, Judge.Rules.of(15, 5, 1), true);
        assertThat(accepted.exitCode()).isZero();
        assertThat(accepted.unresolved()).isEqualTo(1);
        assertThat(accepted.verdict()).isEqualTo("verdict: none shown slower, but 1 of 1 metric(s) not judged (exit 0 only because of --allow-unjudged)");
    }

    @Test
    void oneForkPerSideIsNeverJudged() throws Exception {
        List<Comparison.Line> lines = comparison("score")
                .compare(List.of(run("b", forks(10000, 0.01, 1, 1), forks(200, 0.01, 1, 2))),
                        List.of(run("c", forks(5000, 0.01, 1, 3), forks(200, 0.01, 1, 4))));
        assertThat(line(lines, "ok/s").change().verdict()).isEqualTo(Judge.Verdict.INCONCLUSIVE);
        assertThat(line(lines, "ok/s").change().note()).contains("no verdict from one fork");
    }

    @Test
    void runsPerSideAreTheUnitsAndOneOutlyingRunIsNotARegression() throws Exception {
        List<Path> base = List.of(run("b1", 10000, 0.02, 200, 1), run("b2", 10100, 0.02, 200, 5), run("b3", 9950, 0.02, 200, 7));
        List<Path> withOutlier = List.of(run("c1", 9900, 0.02, 200, 9), run("c2", 6000, 0.02, 200, 11), run("c3", 9950, 0.02, 200, 13));
        List<Path> slower = List.of(run("d1", 8000, 0.02, 200, 15), run("d2", 8100, 0.02, 200, 17), run("d3", 7900, 0.02, 200, 19));
        Comparison c = comparison("score");
        assertThat(line(c.compare(base, slower), "ok/s").change().verdict()).isEqualTo(Judge.Verdict.SLOWER);
        assertThat(line(c.compare(base, withOutlier), "ok/s").change().verdict()).isNotEqualTo(Judge.Verdict.SLOWER);
    }

    @Test
    void theCommandsExitCodes() throws Exception {
        Path base = run("base", 10000, 0.02, 200, 1);
        assertThat(Main.run("compare", base.toString(), run("same", 10050, 0.02, 201, 3).toString())).isZero();
        assertThat(Main.run("compare", base.toString(), run("worse", 8000, 0.02, 200, 5).toString())).isEqualTo(1);
        assertThat(Main.run("compare", base.toString(), dir.resolve("missing.json").toString())).isEqualTo(2);
        Path other = dir.resolve("other.json");
        Files.writeString(other, Files.readString(base).replace("SessionOps.request", "SessionOps.load"));
        assertThat(Main.run("compare", base.toString(), other.toString())).as("nothing in common: a usage error, not noise").isEqualTo(2);
    }
}
