package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every log axis the charts draw carries at least three distinct numeric labels, whatever span the data has. */
class ChartTicksTest {
    @ParameterizedTest(name = "{0} … {1}")
    @CsvSource({"3, 9", "0.5, 5000", "1, 2000000", "12000, 19000", "0.02, 0.3", "900, 1100"})
    void aLogAxisHasAtLeastThreeDistinctLabels(double lo, double hi) {
        LogAxis axis = Charts.logAxis("y", 0.01);
        axis.setRange(lo, hi);
        Graphics2D g2 = new BufferedImage(900, 520, BufferedImage.TYPE_INT_RGB).createGraphics();
        for (RectangleEdge edge : List.of(RectangleEdge.LEFT, RectangleEdge.BOTTOM)) {
            @SuppressWarnings("unchecked")
            List<NumberTick> ticks = axis.refreshTicks(g2, new AxisState(), new Rectangle2D.Double(0, 0, 800, 400), edge);
            List<String> labels = ticks.stream().map(NumberTick::getText).distinct().toList();
            assertThat(labels).as("labels between %s and %s", lo, hi).hasSizeBetween(3, 13).hasSameSizeAs(ticks);
        }
    }
}
