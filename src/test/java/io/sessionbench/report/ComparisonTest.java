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

    /** Eight per-iteration values around {@code center} with relative spread {@code spread} (deterministic). */
    private static double[] iterations(double center, double spread, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return java.util.stream.IntStream.range(0, 8).mapToDouble(i -> center * (1 + spread * (2 * r.nextDouble() - 1))).toArray();
    }

    private static String raw(double[] v) {
        return "[[" + Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%f", x)).collect(Collectors.joining(",")) + "]]";
    }

    /**
     * A JMH JSON file with one request benchmark: the successful-calls counter {@code ok} (the throughput compared),
     * JMH's primary score, and a p99 secondary metric, each with per-iteration raw data.
     */
    private Path run(String name, double[] ok, double[] p99) throws Exception {
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, String.format(Locale.ROOT, """
                [{"benchmark":"io.sessionbench.bench.SessionOps.request","mode":"thrpt","threads":1,"forks":1,
                  "params":{"layout":"redis-hash","sessionBytes":"2048"},
                  "primaryMetric":{"score":%f,"scoreError":1,"scoreUnit":"ops/s","rawData":%s},
                  "secondaryMetrics":{"ok":{"score":%f,"scoreError":1,"scoreUnit":"ops/s","rawData":%s},
                    "p99":{"score":%f,"scoreError":"NaN","scoreUnit":"us","rawData":%s}}}]
                """, Stats.median(ok) * 1.5, raw(ok), Stats.median(ok), raw(ok), Stats.median(p99), raw(p99)));
        return f;
    }

    private Path run(String name, double score, double spread, double p99, long seed) throws Exception {
        return run(name, iterations(score, spread, seed), iterations(p99, spread, seed + 1));
    }

    private static Comparison.Line line(List<Comparison.Line> lines, String metricStart) {
        return lines.stream().filter(l -> l.metric().startsWith(metricStart)).findFirst().orElseThrow();
    }

    @Test
    void theThroughputComparedIsSuccessfulCallsNotInvocations() throws Exception {
        List<Comparison.Line> lines = new Comparison(5, 10, List.of("score"))
                .compare(List.of(run("base", 10000, 0.02, 200, 1)), List.of(run("cur", 10000, 0.02, 200, 3)));
        assertThat(line(lines, "score").baseline()).isCloseTo(10000, org.assertj.core.data.Percentage.withPercentage(3));
    }

    @Test
    void aThroughputRegressionIsCaughtWithItsInterval() throws Exception {
        List<Comparison.Line> lines = new Comparison(5, 10, List.of("score", "p99"))
                .compare(List.of(run("base", 10000, 0.03, 200, 1)), List.of(run("cur", 8000, 0.03, 200, 3)));
        Comparison.Line score = line(lines, "score");
        assertThat(score.verdict()).isEqualTo(Comparison.Verdict.REGRESSION);
        assertThat(score.changePercent()).isBetween(-25.0, -15.0);
        assertThat(score.highPercent()).isNegative();
        assertThat(line(lines, "p99").verdict()).isEqualTo(Comparison.Verdict.OK);
    }

    @Test
    void aLatencyIncreaseIsARegressionAndADecreaseAnImprovement() throws Exception {
        Comparison c = new Comparison(5, 10, List.of("p99"));
        assertThat(line(c.compare(List.of(run("b", 10000, 0.03, 200, 1)), List.of(run("c", 10000, 0.03, 260, 3))), "p99").verdict())
                .isEqualTo(Comparison.Verdict.REGRESSION);
        assertThat(line(c.compare(List.of(run("b2", 10000, 0.03, 200, 1)), List.of(run("c2", 10000, 0.03, 150, 3))), "p99").verdict())
                .isEqualTo(Comparison.Verdict.IMPROVED);
    }

    @Test
    void aSmallChangeWithinTheThresholdIsNotARegression() throws Exception {
        List<Comparison.Line> lines = new Comparison(5, 10, List.of("score"))
                .compare(List.of(run("base", 10000, 0.02, 200, 1)), List.of(run("cur", 9800, 0.02, 200, 3)));
        assertThat(line(lines, "score").verdict()).isEqualTo(Comparison.Verdict.OK);
    }

    @Test
    void samplesTooNoisyToJudgeAreSaidToBeSoAndFailTheGateByDefault() throws Exception {
        Path base = run("base", 10000, 0.6, 200, 1);
        Path cur = run("cur", 9000, 0.6, 200, 3);
        List<Comparison.Line> lines = new Comparison(5, 10, List.of("score")).compare(List.of(base), List.of(cur));
        assertThat(line(lines, "score").verdict()).isEqualTo(Comparison.Verdict.CANNOT_JUDGE);
        assertThat(line(lines, "score").note()).contains("noise limit");
        assertThat(Main.run("compare", "--metrics", "score", "--noise-limit", "10", base.toString(), cur.toString())).isEqualTo(3);
        assertThat(Main.run("compare", "--metrics", "score", "--noise-limit", "10", "--allow-unjudged", base.toString(),
                cur.toString())).isZero();
    }

    @Test
    void fewerThanThreeSamplesCannotBeJudged() throws Exception {
        List<Comparison.Line> lines = new Comparison(5, 10, List.of("score"))
                .compare(List.of(run("b", new double[] {10000, 10010}, new double[] {200, 200})),
                        List.of(run("c", new double[] {5000, 5010}, new double[] {200, 200})));
        assertThat(line(lines, "score").verdict()).isEqualTo(Comparison.Verdict.CANNOT_JUDGE);
    }

    @Test
    void threeRunsOrMorePerSideAreComparedByTheirMedians() throws Exception {
        List<Path> base = List.of(run("b1", 10000, 0.02, 200, 1), run("b2", 10100, 0.02, 200, 5), run("b3", 9950, 0.02, 200, 7));
        List<Path> withOutlier = List.of(run("c1", 9900, 0.02, 200, 9), run("c2", 6000, 0.02, 200, 11), run("c3", 9950, 0.02, 200, 13));
        List<Path> slower = List.of(run("d1", 8000, 0.02, 200, 15), run("d2", 8100, 0.02, 200, 17), run("d3", 7900, 0.02, 200, 19));
        Comparison c = new Comparison(5, 30, List.of("score"));
        assertThat(line(c.compare(base, slower), "score").verdict()).isEqualTo(Comparison.Verdict.REGRESSION);
        assertThat(line(c.compare(base, withOutlier), "score").verdict()).isNotEqualTo(Comparison.Verdict.REGRESSION);
    }

    @Test
    void theCommandsExitCodes() throws Exception {
        Path base = run("base", 10000, 0.02, 200, 1);
        assertThat(Main.run("compare", base.toString(), run("same", 10050, 0.02, 201, 3).toString())).isZero();
        assertThat(Main.run("compare", base.toString(), run("worse", 8000, 0.02, 200, 5).toString())).isEqualTo(1);
        assertThat(Main.run("compare", base.toString(), dir.resolve("missing.json").toString())).isEqualTo(2);
        Path other = dir.resolve("other.json");
        Files.writeString(other, Files.readString(base).replace("SessionOps.request", "SessionOps.load"));
        assertThat(Main.run("compare", base.toString(), other.toString())).as("nothing in common").isEqualTo(3);
    }
}
