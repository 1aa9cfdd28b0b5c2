package io.sessionbench.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sessionbench.report.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history's site in headless Chromium: it opens with the change list, every chart draws all its series with no
 * script error, and the spectrum overlays two runs. Built from committed same-build runs plus a synthetic run with a
 * loss, so the change list has an entry to show first.
 */
class HistorySiteTest {
    @TempDir
    Path dir;

    @Test
    void theSiteOpensWithTheChangesAndDrawsEveryChart() throws Exception {
        Path h = dir.resolve("history");
        History history = History.open(h, "main");
        for (int i = 0; i < HistoryTest.SAME_BUILD.size(); i++) {
            history.add(HistoryRecord.of(HistoryTest.SAME_BUILD.get(i), "c" + i, "main"));
        }
        List<HistoryRecord> runs = history.runs();
        List<History.Change> changes = History.changes(HistoryTest.synthetic(3, 40, 20, 0.85, 30, Integer.MAX_VALUE));
        Path index = HistorySite.build(runs, changes, java.util.Map.of(), "main", history.bytes(), dir.resolve("site"));
        String html = Files.readString(index);
        // the change list comes before the runs and the charts, correctness first
        assertThat(html.indexOf("<ol id=\"changes\">")).isLessThan(html.indexOf("<ol id=\"runs\">"));
        assertThat(html.indexOf("lost updates appeared")).isLessThan(html.indexOf("ok/s: "));
        var browser = Browser.find();
        assumeTrue(browser.isPresent(), "no Chromium on PATH (scripts/setup.sh installs it)");
        Browser.Rendered r = browser.get().render(index);
        assertThat(r.errors()).as(r.errorText()).isZero();
        int benchmarks = History.keys(runs).size();
        assertThat(r.charts()).isEqualTo(2 * benchmarks + 1);
        // every benchmark's throughput (value, 95 % low and high) and percentiles (P50, P99, P99.9), and two runs' spectra
        assertThat(r.expectedSeries()).isEqualTo(6 * benchmarks + 2);
        assertThat(r.renderedSeries()).isEqualTo(r.expectedSeries());
        // every chart's two axes are named and show labels: 'run(31)|ok/s(6)'
        List<String> axes = List.of(r.axisNames().split(";"));
        assertThat(axes).hasSize(r.charts());
        assertThat(axes).allMatch(a -> a.matches("[^|()]*\\S[^|()]*\\([1-9]\\d*\\)\\|[^|()]*\\S[^|()]*\\([1-9]\\d*\\)"), "named and labelled");
        browser.get().screenshot(index, dir.resolve("site.png"), 1200, 900);
        assertThat(dir.resolve("site.png")).isNotEmptyFile();
    }
}
