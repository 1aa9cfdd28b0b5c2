package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {
    @TempDir
    Path dir;

    /** A JMH JSON file with one throughput benchmark and its p99 secondary metric. */
    private Path run(String name, double score, double error, double p99) throws Exception {
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, String.format(Locale.ROOT, """
                [{"benchmark":"io.sessionbench.bench.SessionOps.request","mode":"thrpt","threads":1,"forks":1,
                  "params":{"layout":"redis-hash","sessionBytes":"2048"},
                  "primaryMetric":{"score":%f,"scoreError":%f,"scoreUnit":"ops/s"},
                  "secondaryMetrics":{"p99":{"score":%f,"scoreError":"NaN","scoreUnit":"us"}}}]
                """, score, error, p99));
        return f;
    }

    private static Comparison.Line line(List<Comparison.Line> lines, String metricStart) {
        return lines.stream().filter(l -> l.metric().startsWith(metricStart)).findFirst().orElseThrow();
    }

    @Test
    void aSyntheticThroughputRegressionIsCaught() throws Exception {
        List<Comparison.Line> lines = new Comparison(5, 10, List.of("score", "p99"))
                .compare(List.of(run("base", 10000, 100, 200)), List.of(run("cur", 8000, 100, 200)));
        assertThat(line(lines, "score").verdict()).isEqualTo(Comparison.Verdict.REGRESSION);
        assertThat(line(lines, "score").changePercent()).isCloseTo(-20, org.assertj.core.data.Offset.offset(0.01));
        assertThat(line(lines, "p99").verdict()).isEqualTo(Comparison.Verdict.OK);
    }

    @Test
    void aLatencyIncreaseIsARegressionAndADecreaseAnImprovement() throws Exception {
        Comparison c = new Comparison(5, 10, List.of("p99"));
        assertThat(line(c.compare(List.of(run("b", 10000, 100, 200)), List.of(run("c", 10000, 100, 260))), "p99").verdict())
                .isEqualTo(Comparison.Verdict.REGRESSION);
        assertThat(line(c.compare(List.of(run("b2", 10000, 100, 200)), List.of(run("c2", 10000, 100, 150))), "p99").verdict())
                .isEqualTo(Comparison.Verdict.IMPROVED);
    }

    @Test
    void noiseWithinTheBandIsNotARegression() throws Exception {
        List<Comparison.Line> lines = new Comparison(5, 10, List.of("score"))
                .compare(List.of(run("base", 10000, 300, 200)), List.of(run("cur", 9700, 300, 200)));
        assertThat(line(lines, "score").verdict()).isEqualTo(Comparison.Verdict.OK);
    }

    @Test
    void aSideWithHighVarianceIsUnstableNotAFailure() throws Exception {
        List<Comparison.Line> lines = new Comparison(5, 10, List.of("score"))
                .compare(List.of(run("base", 10000, 2500, 200)), List.of(run("cur", 7000, 100, 200)));
        assertThat(line(lines, "score").verdict()).isEqualTo(Comparison.Verdict.UNSTABLE);
    }

    @Test
    void severalRunsPerSideAreReducedToTheirMedian() throws Exception {
        List<Path> base = List.of(run("b1", 10000, 50, 200), run("b2", 10100, 50, 200), run("b3", 9950, 50, 200));
        List<Path> noisy = List.of(run("c1", 9900, 50, 200), run("c2", 6000, 50, 200), run("c3", 9950, 50, 200));
        List<Path> slower = List.of(run("d1", 8000, 50, 200), run("d2", 8100, 50, 200), run("d3", 7900, 50, 200));
        Comparison c = new Comparison(5, 30, List.of("score"));
        Comparison.Line withOutlier = line(c.compare(base, noisy), "score");
        assertThat(withOutlier.current()).isEqualTo(9900);
        assertThat(withOutlier.verdict()).isEqualTo(Comparison.Verdict.OK);
        assertThat(line(c.compare(base, slower), "score").verdict()).isEqualTo(Comparison.Verdict.REGRESSION);
    }

    @Test
    void theCommandExitsNonZeroOnARegressionOnly() throws Exception {
        Path base = run("base", 10000, 100, 200);
        assertThat(Main.run("compare", base.toString(), run("same", 10050, 100, 201).toString())).isZero();
        assertThat(Main.run("compare", base.toString(), run("worse", 8000, 100, 200).toString())).isEqualTo(1);
        assertThat(Main.run("compare", base.toString(), dir.resolve("missing.json").toString())).isEqualTo(2);
    }
}
