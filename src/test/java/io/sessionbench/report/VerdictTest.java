package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict's sentences built from synthetic runs (three forks of four iterations per backend, 1 % apart): how many
 * are tied at the top, a row with failed calls, a client faster than the default one.
 */
class VerdictTest {
    @TempDir
    Path dir;

    private String sentence(String... records) throws Exception {
        Path folder = Files.createTempDirectory(dir, "run");
        Files.writeString(folder.resolve("jmh.json"), "[" + String.join(",", records) + "]");
        List<String> out = new ArrayList<>();
        for (Verdict v : Verdict.of(Group.of(ReportWriter.rows(folder, BenchRecord.read(BenchRecord.jmhFile(folder)))))) {
            out.add(v.sentence());
        }
        return String.join("\n", out);
    }

    private static String record(String layout, String client, double ok, double errors) {
        return io.sessionbench.testing.JmhRecords.request(layout, client, ok, errors);
    }

    @Test
    void oneFastestIsNamedOnlyWhenEveryOtherIsJudgedSlower() throws Exception {
        String s = sentence(record("memcached-blob", "lettuce", 16_000, 0), record("postgres", "lettuce", 5_000, 0),
                record("redis-blob", "lettuce", 8_000, 0));
        assertThat(s).contains("**memcached-blob** serves a request fastest").doesNotContain("no single fastest")
                .doesNotContain("not told apart");
    }

    @Test
    void aTieAtTheTopIsSaidWithHowManyAreTied() throws Exception {
        assertThat(topOfThree(4_000)).contains("no single fastest: **memcached-blob** served the most")
                .contains("1 of the 2 others is not shown slower than it").contains("that one is not told apart");
        assertThat(topOfThree(15_900)).contains("no single fastest").contains("2 of the 2 others are not shown slower than it")
                .contains("those are not told apart");
    }

    /** memcached-blob 16,000 and postgres 15,950 ok/s (not told apart), redis-blob at {@code third}. */
    private String topOfThree(double third) throws Exception {
        return sentence(record("memcached-blob", "lettuce", 16_000, 0), record("postgres", "lettuce", 15_950, 0),
                record("redis-blob", "lettuce", third, 0));
    }

    @Test
    void aRowWithFailedCallsIsSaidFirstAndRankedLastHoweverFast() throws Exception {
        String s = sentence(record("memcached-blob", "lettuce", 30_000, 50), record("postgres", "lettuce", 5_000, 0),
                record("redis-blob", "lettuce", 8_000, 0));
        assertThat(s).startsWith("For ").contains("memcached-blob had").contains("failed calls (ranked last, whatever its speed)")
                .contains("**redis-blob/lettuce** serves a request fastest").contains("memcached-blob 3.75× (failed calls: ranked last)");
        assertThat(s.indexOf("failed calls")).isLessThan(s.indexOf("fastest"));
    }

    @Test
    void aClientFasterThanTheDefaultOneIsSaidWithItsFigures() throws Exception {
        String s = sentence(record("redis-blob", "lettuce", 14_099, 0), record("redis-blob", "jedis", 17_881, 0),
                record("postgres", "lettuce", 5_000, 0));
        assertThat(s).contains("On redis-blob, redis-blob/jedis served more calls than redis-blob/lettuce (17,881 against 14,099 ok/s");
    }
}
