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
    }

    @Test
    void aThroughputChartOfBackendsWithinADecadeIsLinear() throws Exception {
        Files.writeString(dir.resolve("jmh.json"), "[" + JmhRecords.request("memcached-blob", "lettuce", 16_000, 0) + ","
                + JmhRecords.request("postgres", "lettuce", 5_000, 0) + "]");
        List<SummaryRow> rows = ReportWriter.rows(dir, BenchRecord.read(BenchRecord.jmhFile(dir)));
        assertThat(Interactive.throughput("t", rows).path("yAxis").path("type").asText()).isEqualTo("value");
    }
}
