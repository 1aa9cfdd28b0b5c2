package io.sessionbench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's charts, drawn with JFreeChart and returned as PNG bytes. */
public final class Charts {
    private static final int W = 900;
    private static final int H = 520;

    private Charts() {
    }

    /** HdrHistogram-style percentile plot: latency against 1/(1-p) on log axes, one line per series. */
    public static byte[] percentiles(String title, Map<String, Histogram> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, h) -> {
            XYSeries s = new XYSeries(name, true, true);
            for (HistogramIterationValue v : h.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                if (p >= 1.0) {
                    break;
                }
                s.add(1.0 / (1.0 - p), Math.max(0.001, v.getValueIteratedTo() / 1000.0));
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, "percentile", "latency (µs, log)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("percentile");
        x.setNumberFormatOverride(new PercentileFormat());
        x.setBase(10);
        x.setSmallestValue(1);
        x.setTickUnit(new NumberTickUnit(1));
        plot.setDomainAxis(x);
        LogAxis y = new LogAxis("latency (µs, log)");
        y.setBase(10);
        y.setSmallestValue(0.01);
        y.setTickUnit(new NumberTickUnit(1));
        y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        plot.setRangeAxis(y);
        style(chart);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        return png(chart);
    }

    /** Throughput bars with error bars (JMH's 99.9 % confidence half-width), log scale. */
    public static byte[] throughput(String title, List<String> labels, List<double[]> scoreAndError, String unit) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        for (int i = 0; i < labels.size(); i++) {
            double err = Double.isNaN(scoreAndError.get(i)[1]) ? 0 : scoreAndError.get(i)[1];
            data.add(scoreAndError.get(i)[0], err, "throughput", labels.get(i));
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "", unit + " (log)", data, PlotOrientation.VERTICAL,
                false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setRenderer(new StatisticalBarRenderer());
        LogAxis y = new LogAxis(unit + " (log)");
        y.setBase(10);
        y.setSmallestValue(1);
        y.setNumberFormatOverride(new DecimalFormat("#,##0"));
        plot.setRangeAxis(y);
        CategoryAxis x = plot.getDomainAxis();
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        style(chart);
        return png(chart);
    }

    /** One line per series of (x, y) points, both axes logarithmic; used for latency against session size and rate. */
    public static byte[] lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, boolean logX) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, pts) -> {
            XYSeries s = new XYSeries(name, true, true);
            for (double[] p : pts) {
                s.add(p[0], Math.max(0.001, p[1]));
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        if (logX) {
            LogAxis x = new LogAxis(xLabel);
            x.setBase(2);
            x.setNumberFormatOverride(new DecimalFormat("#,##0"));
            plot.setDomainAxis(x);
        }
        LogAxis y = new LogAxis(yLabel);
        y.setBase(10);
        y.setSmallestValue(0.01);
        y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        plot.setRangeAxis(y);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        plot.setRenderer(r);
        style(chart);
        return png(chart);
    }

    /**
     * Throughput of each measurement iteration, one line per series, with the iterations that something disturbed
     * (see {@link SummaryRow#disturbedIterations()}) circled in a separate "disturbed" series.
     */
    public static byte[] iterations(String title, Map<String, double[]> values, Map<String, boolean[]> disturbed) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries marks = new XYSeries("disturbed iteration", false, true);
        values.forEach((name, v) -> {
            XYSeries s = new XYSeries(name, false, true);
            boolean[] d = disturbed.getOrDefault(name, new boolean[0]);
            for (int i = 0; i < v.length; i++) {
                s.add(i + 1, v[i]);
                if (i < d.length && d[i]) {
                    marks.add(i + 1, v[i]);
                }
            }
            data.addSeries(s);
        });
        data.addSeries(marks);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "measurement iteration", "ok/s", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        int last = data.getSeriesCount() - 1;
        r.setSeriesLinesVisible(last, false);
        r.setSeriesShape(last, new java.awt.geom.Ellipse2D.Double(-7, -7, 14, 14));
        r.setSeriesPaint(last, Color.RED);
        r.setSeriesShapesFilled(last, false);
        r.setSeriesStroke(last, new BasicStroke(2f));
        plot.setRenderer(r);
        org.jfree.chart.axis.NumberAxis x = (org.jfree.chart.axis.NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        style(chart);
        return png(chart);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(250, 250, 250));
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    }

    private static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, W, H);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render chart " + chart.getTitle().getText(), e);
        }
        return out.toByteArray();
    }

    /**
     * Renders one small chart so AWT and the font machinery start (and register their shutdown hooks) now: a report
     * written from a Ctrl-C handler could not start them any more.
     */
    public static void warmUp() {
        lines("warm-up", "x", "y", java.util.Map.of("s", new double[][] {{1, 1}, {2, 2}}), false);
    }

    public static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    public static void save(byte[] png, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    /** Labels 1/(1-p) ticks as percentiles: 10 → 90%, 100 → 99%, 1000 → 99.9%. */
    private static final class PercentileFormat extends NumberFormat {
        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            double p = 100.0 * (1.0 - 1.0 / number);
            return to.append(new DecimalFormat("0.####").format(p)).append('%');
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            return format((double) number, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition parsePosition) {
            return null;
        }
    }
}
