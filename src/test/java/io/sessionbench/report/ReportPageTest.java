package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report of a committed quick run (measured on this project's reference machine), rebuilt from its
 * {@code jmh.json} and {@code .hlog} files: the verdict comes first, charts are named by what they show, and
 * {@code report.html} renders every chart in a real headless browser without a script error.
 */
class ReportPageTest {
    private static final Path RUN = Path.of("results", "2026-11-28_193045_quick-6");
    private static Path dir;
    private static List<SummaryRow> rows;

    @BeforeAll
    static void rebuildTheReportOfACommittedRun() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "report-page-");
        Files.copy(RUN.resolve("jmh.json"), dir.resolve("jmh.json"));
        Files.copy(RUN.resolve("env.json"), dir.resolve("env.json"));
        Files.createDirectories(dir.resolve("histograms"));
        try (Stream<Path> s = Files.list(RUN.resolve("histograms"))) {
            for (Path f : s.filter(f -> f.toString().endsWith(".hlog") || f.toString().endsWith(".others.txt")).toList()) {
                Files.copy(f, dir.resolve("histograms").resolve(f.getFileName()));
            }
        }
        rows = ReportWriter.write(dir);
    }

    @Test
    void theReportOpensWithTheVerdictNamingTheFastestRealBackendAndByHowMuch() throws Exception {
        String md = Files.readString(dir.resolve("report.md"));
        String firstSection = md.substring(md.indexOf("\n## "), md.indexOf("\n## ", md.indexOf("\n## ") + 1));
        assertThat(firstSection).startsWith("\n## Verdict");
        SummaryRow fastest = rows.stream().filter(r -> r.record().operation().equals("request")
                        && r.record().params().get("sessionBytes").equals("2048") && r.record().inFlight() == 1
                        && Group.isDefaultClient(r.record()) && !r.record().layout().equals("memory"))
                .max(Comparator.comparingDouble(r -> r.throughput().median())).orElseThrow();
        // one fork per backend judges nothing: the top is not told apart, so no single fastest is named
        assertThat(firstSection).contains("For 2 KB sessions, 1 thread, synchronous: no single fastest: **" + fastest.record().target()
                + "** served the most");
        assertThat(firstSection).contains("| 1 | " + fastest.record().target() + " |")
                .contains("memory (harness floor, not ranked)").contains("× fastest").contains("resolution");
        // The committed run has one fork per backend: no difference may be called judged from it.
        assertThat(firstSection).doesNotContain("| slower |").contains("| inconclusive |").contains("not shown slower");
        assertThat(Files.readString(dir.resolve("verdict.md"))).isEqualTo(firstSection.substring(1) + "\n");
        VerdictTest.assertOkColumnFollowsTheRanks(Files.readString(dir.resolve("verdict.md")));
    }

    @Test
    void eachTableAnswersOneQuestionAndChartsStandBesideIt() throws Exception {
        String md = Files.readString(dir.resolve("report.md"));
        for (Group.Question q : Group.Question.values()) {
            assertThat(md).as(q.title).contains("### " + q.title + " — ");
        }
        // the 2 KB request table of layouts holds each layout once, with Lettuce and synchronous calls only
        String layouts = section(md, "### Layouts at equal setup — request — 2 KB");
        assertThat(layouts).doesNotContain("jedis").doesNotContain("redisson").doesNotContain("in flight");
        assertThat(layouts).contains("![Latency by percentile").contains("(charts/request_2KB_t1_percentiles.png)");
        for (Group g : Group.of(rows)) {
            for (List<SummaryRow> panel : g.panels().values()) {
                assertThat(panel).as(g.title()).hasSizeLessThanOrEqualTo(6);
            }
        }
    }

    @Test
    void chartFilesAreNamedByWhatTheyShow() throws Exception {
        List<String> names;
        try (Stream<Path> s = Files.list(dir.resolve("charts"))) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).contains("request_2KB_t1_percentiles.png", "request_2KB_t1_throughput.png",
                "request_2KB_t1_clients_redis-hash_percentiles.png", "request_2KB_t1_inflight8_throughput.png",
                "increment_2KB_t2_live2_safe-vs-naive_redis-json_percentiles.png", "request_t1_p99-vs-size.png");
        assertThat(names).noneMatch(n -> Pattern.matches("[a-z]+-\\d+\\.png", n));
        // every PNG linked from report.md exists
        for (String link : Pattern.compile("\\(charts/([^)]+)\\)").matcher(Files.readString(dir.resolve("report.md")))
                .results().map(m -> m.group(1)).toList()) {
            assertThat(names).contains(link);
        }
    }

    @Test
    void reportHtmlIsSelfContainedAndRendersEveryChartInAHeadlessBrowser() throws Exception {
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).doesNotContainPattern("<script[^>]+src=").doesNotContainPattern("<link[^>]+href=")
                .doesNotContain("src=\"http");
        Optional<Browser> browser = Browser.find();
        // In CI a missing browser is a broken set-up, not a reason to skip: the test fails there.
        if ("true".equals(System.getenv("CI"))) {
            org.assertj.core.api.Assertions.assertThat(browser).as("CI=true and no Chromium on PATH: scripts/setup.sh installs "
                    + "Debian's 'chromium'").isPresent();
        }
        assumeTrue(browser.isPresent(), "no Chromium on PATH: install Debian's 'chromium' package (scripts/setup.sh does) "
                + "to test report.html in a real browser");
        Browser.Rendered page = browser.get().render(dir.resolve("report.html"));
        assertThat(page.errors()).as("script errors: " + page.errorText()).isZero();
        long pngs;
        try (Stream<Path> s = Files.list(dir.resolve("charts"))) {
            pngs = s.count();
        }
        assertThat(page.charts()).as("one interactive chart per PNG of report.md").isEqualTo((int) pngs);
        assertThat(page.expectedSeries()).isEqualTo(expectedSeries());
        assertThat(page.renderedSeries()).isEqualTo(page.expectedSeries());
        // every value or log axis ECharts laid out carries at least three numbers (issue 23: log axes labelled at
        // powers of ten only left one label, "10k", on a chart of clients)
        assertThat(page.labelsPerAxis()).as("axes of the rendered charts").hasSizeGreaterThanOrEqualTo(page.charts());
        assertThat(page.labelsPerAxis()).allSatisfy((axis, labels) -> assertThat(labels).as(axis).isGreaterThanOrEqualTo(3));
    }

    /** Per group: a line per row with samples (percentiles), per real row (iterations), dot and whisker per row; sizes. */
    private static int expectedSeries() {
        int n = 0;
        for (Group g : Group.of(rows)) {
            for (List<SummaryRow> panel : g.panels().values()) {
                n += (int) panel.stream().filter(r -> r.samples() > 0).count();
                n += (int) panel.stream().filter(r -> !r.record().layout().equals("memory")).count();
            }
            n += 2 * g.rows().size();
        }
        ReportWriter.SizeSeries sizes = ReportWriter.SizeSeries.of(rows);
        return n + (sizes.sizes().size() > 1 ? sizes.p50().size() + sizes.p99().size() : 0);
    }

    @Test
    void theRankingUsesTheJudgementsWordsAndNeverCallsAnOpenCaseFaster() {
        assertThat(Verdict.judge(change(Judge.Verdict.SLOWER))).isEqualTo(Verdict.Judgement.SLOWER);
        assertThat(Verdict.judge(change(Judge.Verdict.NO_CHANGE))).isEqualTo(Verdict.Judgement.TIED);
        assertThat(Verdict.judge(change(Judge.Verdict.INCONCLUSIVE))).isEqualTo(Verdict.Judgement.INCONCLUSIVE);
        assertThat(Verdict.judge(change(Judge.Verdict.FASTER))).isEqualTo(Verdict.Judgement.INCONCLUSIVE);
        assertThat(Verdict.judge(change(Judge.Verdict.DISTURBED))).isEqualTo(Verdict.Judgement.DISTURBED);
    }

    private static Judge.Change change(Judge.Verdict v) {
        return new Judge.Change(0.9, 0.8, 1.0, 0.95, 10, 3, 3, true, v, "");
    }

    private static String section(String md, String heading) {
        int start = md.indexOf(heading);
        assertThat(start).as(heading).isNotNegative();
        int end = md.indexOf("\n### ", start + 1);
        return md.substring(start, end < 0 ? md.length() : end);
    }
}
