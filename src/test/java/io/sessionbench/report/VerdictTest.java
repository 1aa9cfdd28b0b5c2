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

    /** A table whose backends were mostly disturbed from outside ranks nothing: no row is labelled fastest or given a rank. */
    @Test
    void aTableWithoutARankingLabelsNoRowFastest() throws Exception {
        Verdict v = verdicts(io.sessionbench.testing.JmhRecords.request("memcached-blob", "lettuce", 16_000, 0, 40),
                io.sessionbench.testing.JmhRecords.request("postgres", "lettuce", 5_000, 0, 40),
                io.sessionbench.testing.JmhRecords.request("redis-blob", "lettuce", 8_000, 0, 0)).get(0);
        assertThat(v.ranks()).isFalse();
        assertThat(v.sentence()).contains("no ranking");
        List<String> rows = v.table().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| rank")).toList();
        assertThat(rows).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("| – |").doesNotContain("fastest"));
        assertThat(rows).filteredOn(l -> l.contains("redis-blob")).singleElement().asString().contains("| not ranked |");
        assertThat(rows).filteredOn(l -> !l.contains("redis-blob")).hasSize(2).allSatisfy(l -> assertThat(l).contains("| disturbed |"));
    }

    /** When the top is not told apart, its first row says it served the most, not that it is the fastest. */
    @Test
    void aTopNotToldApartIsNotLabelledFastest() throws Exception {
        Verdict tied = verdicts(record("memcached-blob", "lettuce", 16_000, 0), record("postgres", "lettuce", 15_950, 0),
                record("redis-blob", "lettuce", 4_000, 0)).get(0);
        assertThat(tied.table()).contains("| 1 | memcached-blob |").contains("| served the most (not told apart) |")
                .doesNotContain("| fastest |");
        Verdict one = verdicts(record("memcached-blob", "lettuce", 16_000, 0), record("postgres", "lettuce", 5_000, 0)).get(0);
        assertThat(one.table()).contains("| fastest |");
    }

    /** Every table of speeds is judged: a per-operation table of layouts gets its own ranking, named by its operation. */
    @Test
    void perOperationTablesAreJudged() throws Exception {
        List<Verdict> v = verdicts(io.sessionbench.testing.JmhRecords.of("updateAttribute", "memcached-blob", "lettuce", 16_000, 0, 0, 3),
                io.sessionbench.testing.JmhRecords.of("updateAttribute", "postgres", "lettuce", 4_000, 0, 0, 3),
                io.sessionbench.testing.JmhRecords.of("increment", "redis-blob", "lettuce", 4_000, 0, 0, 3));
        assertThat(v).singleElement().satisfies(x -> assertThat(x.sentence())
                .startsWith("For `updateAttribute`, 2 KB sessions, 1 thread, synchronous: **memcached-blob** is fastest")
                .contains("postgres 0.25× (slower)"));
    }

    /** Counts are whole numbers wherever printed: lost updates and failed calls in the verdict, and in summary.csv. */
    @Test
    void countsPrintAsIntegers() throws Exception {
        Path folder = Files.createTempDirectory(dir, "run");
        Files.writeString(folder.resolve("jmh.json"), "[" + record("memcached-blob", "lettuce", 30_000, 671) + "]");
        List<SummaryRow> rows = ReportWriter.rows(folder, BenchRecord.read(BenchRecord.jmhFile(folder)), false);
        assertThat(Verdict.losses(rows)).doesNotMatch("(?s).*\\d\\.\\d.*");
        ReportWriter.write(folder);
        String csv = Files.readAllLines(folder.resolve("summary.csv")).get(1);
        assertThat(csv).matches(".*,\\d+,\\d+,\\d+$");
    }

    private List<Verdict> verdicts(String... records) throws Exception {
        Path folder = Files.createTempDirectory(dir, "run");
        Files.writeString(folder.resolve("jmh.json"), "[" + String.join(",", records) + "]");
        return Verdict.of(Group.of(ReportWriter.rows(folder, BenchRecord.read(BenchRecord.jmhFile(folder)))));
    }

    /** verdict.md opens with what failed or was lost in any benchmark of the run, before any ranking. */
    @Test
    void theVerdictOpensWithWhatFailedOrWasLost() throws Exception {
        Path folder = Files.createTempDirectory(dir, "run");
        Files.writeString(folder.resolve("jmh.json"), "[" + String.join(",", record("memcached-blob", "lettuce", 30_000, 50),
                record("postgres", "lettuce", 5_000, 0)) + "]");
        List<SummaryRow> rows = ReportWriter.rows(folder, BenchRecord.read(BenchRecord.jmhFile(folder)), false);
        String md = Verdict.markdown(Verdict.of(Group.of(rows)), rows);
        assertThat(md).contains("**Failed or lost, before any speed:** **failed calls** in 1 of 2 benchmarks (request memcached-blob")
                .contains("no update was lost with protection on");
        assertThat(md.indexOf("Failed or lost")).isLessThan(md.indexOf("For 2 KB sessions"));
        Files.writeString(folder.resolve("jmh.json"), "[" + record("postgres", "lettuce", 5_000, 0) + "]");
        List<SummaryRow> clean = ReportWriter.rows(folder, BenchRecord.read(BenchRecord.jmhFile(folder)), false);
        assertThat(Verdict.losses(clean)).isEqualTo("**Failed or lost, before any speed:** no call failed in any of the 1 benchmarks; "
                + "no update was lost with protection on.\n\n");
    }

    @Test
    void aClientFasterThanTheDefaultOneIsSaidWithItsFigures() throws Exception {
        String s = sentence(record("redis-blob", "lettuce", 14_099, 0), record("redis-blob", "jedis", 17_881, 0),
                record("postgres", "lettuce", 5_000, 0));
        // the figures are the ones ranked on (the geometric mean of the forks' medians: 17,880 for forks around 17,881)
        assertThat(s).contains("On redis-blob, redis-blob/jedis served more calls than redis-blob/lettuce (17,880 against 14,099 ok/s");
    }

    /**
     * In every ranking of a committed quick run (the README's main command, 2026-12-02) the ok/s column is the figure
     * ranked on. Its 128 KB table once showed redis-blob/lettuce at 2,418 ranked above postgres at 2,427: the column
     * gave the median of all iterations, the rank the value of the undisturbed forks.
     */
    @Test
    void theOkColumnOfEveryRankingIsTheFigureRankedOn() {
        java.nio.file.Path run = java.nio.file.Path.of("results", "2026-12-02_154535_readme-quick");
        List<SummaryRow> rows = ReportWriter.rows(run, BenchRecord.read(BenchRecord.jmhFile(run)), false);
        String md = Verdict.markdown(Verdict.of(Group.of(rows)));
        assertThat(md).contains("For 128 KB sessions");
        assertOkColumnFollowsTheRanks(md);
    }

    /** The ok/s column of each ranking table never rises from one rank to the next (rows with failures aside). */
    static void assertOkColumnFollowsTheRanks(String verdictMarkdown) {
        double previous = Double.MAX_VALUE;
        int rows = 0;
        for (String line : verdictMarkdown.split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\| (\\d+) \\| [^|]+ \\| ([\\d,.]+) \\|").matcher(line);
            if (!m.find() || line.contains("failed") || line.contains("lost")) {
                continue; // rows that failed calls or lost data are ranked last whatever their speed
            }
            double ok = Double.parseDouble(m.group(2).replace(",", ""));
            previous = m.group(1).equals("1") ? Double.MAX_VALUE : previous;
            assertThat(ok).as(line).isLessThanOrEqualTo(previous);
            previous = ok;
            rows++;
        }
        assertThat(rows).as("ranked rows").isGreaterThan(3);
    }
}
