package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.testing.JmhRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive charts' value axes carry numbers: ECharts labels a log axis at powers of ten only, so values within
 * one decade get a linear axis (nice steps), and a log axis is kept for values spanning a decade or more.
 */
class InteractiveAxisTest {
    @TempDir
    Path dir;

    @Test
    void valuesWithinADecadeGetALinearAxisAndWiderOnesALogAxis() {
        ObjectNode narrow = Interactive.valueAxis(new ObjectMapper().createObjectNode(), "ok/s", List.of(12_000.0, 19_000.0));
        assertThat(narrow.path("type").asText()).isEqualTo("value");
        assertThat(narrow.path("scale").asBoolean()).isTrue();
        ObjectNode wide = Interactive.valueAxis(new ObjectMapper().createObjectNode(), "ok/s", List.of(1_500.0, 2_000_000.0));
        assertThat(wide.path("type").asText()).isEqualTo("log");
        // bounds at 1-2-5 values outside the data, labelled: 1k, the powers of ten, 2M
        assertThat(wide.path("min").asDouble()).isEqualTo(1_000.0);
        assertThat(wide.path("max").asDouble()).isEqualTo(2_000_000.0);
        assertThat(wide.path("axisLabel").path("showMinLabel").asBoolean()).isTrue();
        assertThat(wide.path("axisLabel").path("showMaxLabel").asBoolean()).isTrue();
    }

    @Test
    void boundsFallOnOneTwoFiveSteps() {
        assertThat(Interactive.step125(3_400, false)).isEqualTo(2_000);
        assertThat(Interactive.step125(3_400, true)).isEqualTo(5_000);
        assertThat(Interactive.step125(7_000, true)).isEqualTo(10_000);
        assertThat(Interactive.step125(0.42, false)).isEqualTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Interactive.step125(100, false)).isEqualTo(100);
        assertThat(Interactive.step125(100, true)).isEqualTo(100);
    }

    @Test
    void aThroughputChartOfBackendsWithinADecadeIsLinear() throws Exception {
        Files.writeString(dir.resolve("jmh.json"), "[" + JmhRecords.request("memcached-blob", "lettuce", 16_000, 0) + ","
                + JmhRecords.request("postgres", "lettuce", 5_000, 0) + "]");
        List<SummaryRow> rows = ReportWriter.rows(dir, BenchRecord.read(BenchRecord.jmhFile(dir)));
        assertThat(Interactive.throughput("t", rows).path("yAxis").path("type").asText()).isEqualTo("value");
    }
}
