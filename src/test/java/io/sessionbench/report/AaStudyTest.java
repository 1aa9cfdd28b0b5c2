package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.testing.JmhRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The A/A study's two halves of one backend, and one build's runs against each other, on synthetic runs. */
class AaStudyTest {
    @TempDir
    Path dir;

    private Path run(String name, double scale, int forks) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.writeString(folder.resolve("jmh.json"), "[" + String.join(",",
                JmhRecords.of("request", "redis-hash", "lettuce", 10_000 * scale, 0, 0, forks),
                JmhRecords.of("request", "redis-json", "lettuce", 9_000 * scale, 0, 0, forks),
                JmhRecords.of("request", "redis-blob", "lettuce", 8_000 * scale, 0, 0, forks),
                JmhRecords.of("request", "redis-hash", "jedis", 15_000 * scale, 0, 0, forks),
                JmhRecords.of("updateAttribute", "memcached-blob", "lettuce", 12_000 * scale, 0, 0, forks)) + "]");
        return folder;
    }

    @Test
    void oneBackendUnderTwoNamesIsNotCalledSlowerOrFaster() throws Exception {
        AaStudy.Result r = AaStudy.of(List.of(run("a", 1, 6)), 3);
        assertThat(r.pairs()).isEqualTo(5);
        assertThat(r.falsePooled()).isZero();
        assertThat(r.falseAlone()).isZero();
        assertThat(AaStudy.of(List.of(run("three", 1, 3)), 3).pairs()).as("3 forks cannot be split into 2 + 2").isZero();
    }

    @Test
    void runsOfOneBuildAreComparedBenchmarkByBenchmarkAndARealDifferenceIsCalled() throws Exception {
        AaStudy.Result same = AaStudy.across(List.of(run("r1", 1, 3), run("r2", 1, 3), run("r3", 1.01, 3)), 3);
        assertThat(same.pairs()).isEqualTo(3 * 5);
        assertThat(same.falsePooled()).isZero();
        AaStudy.Result halved = AaStudy.across(List.of(run("x1", 1, 3), run("x2", 0.5, 3)), 3);
        assertThat(halved.falsePooled()).as("a 2x difference between runs is called: the study can fail").isEqualTo(5);
        assertThat(AaStudy.markdown(List.of(run("m1", 1, 6), run("m2", 1, 6)), 3))
                .contains("## Within each run").contains("**0 of 10** pairs").contains("## Across runs").contains("**0 of 5** pairs");
    }
}
