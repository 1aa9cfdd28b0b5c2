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
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The report's charts, drawn with JFreeChart and returned as PNG bytes. */
public final class Charts {
    /** Okabe–Ito, colour-blind safe: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow, black. */
    static final Color[] OKABE_ITO = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xE69F00),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xF0E442), Color.BLACK};
    private static final int W = 900;
    private static final int H = 520;

    private Charts() {
    }

    /** The fewest calls beyond a percentile for it to be drawn. */
    static final int MIN_TAIL_SAMPLES = 10;

    /**
     * HdrHistogram-style percentile plot: latency against 1/(1-p) on log axes, one line per row, in the row's look, each
     * cut where fewer than {@link #MIN_TAIL_SAMPLES} calls lie beyond, its sample count in the legend.
     */
    public static byte[] percentiles(String title, List<SummaryRow> rows) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<SummaryRow> drawn = new java.util.ArrayList<>();
        for (SummaryRow row : rows) {
            if (row.latency() == null || row.latency().getTotalCount() == 0) {
                continue;
            }
            XYSeries s = new XYSeries(String.format(java.util.Locale.ROOT, "%s (n = %,d)", row.record().target(),
                    row.latency().getTotalCount()), true, true);
            for (double[] p : percentilePoints(row.latency())) {
                s.add(p[0], p[1]);
            }
            data.addSeries(s);
            drawn.add(row);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "percentile", "latency µs (log)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("percentile");
        x.setNumberFormatOverride(new PercentileFormat());
        x.setBase(10);
        x.setSmallestValue(1);
        x.setTickUnit(new NumberTickUnit(1));
        plot.setDomainAxis(x);
        plot.setRangeAxis(logAxis("latency µs (log)", 0.01));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < drawn.size(); i++) {
            look(r, i, drawn.get(i).record());
        }
        plot.setRenderer(r);
        style(chart);
        return png(chart);
    }

    /** The points of a percentile plot: (1/(1-p), µs), five ticks per halving of the remaining fraction, up to the max. */
    public static List<double[]> percentilePoints(Histogram h) {
        List<double[]> out = new java.util.ArrayList<>();
        // A percentile is drawn only where at least MIN_TAIL_SAMPLES calls lie beyond it: deeper, one call sets the line.
        double deepest = h.getTotalCount() / (double) MIN_TAIL_SAMPLES;
        for (HistogramIterationValue v : h.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo() / 100.0;
            if (p >= 1.0 || 1.0 / (1.0 - p) > deepest) {
                break;
            }
            out.add(new double[] {1.0 / (1.0 - p), Math.max(0.001, v.getValueIteratedTo() / 1000.0)});
        }
        return out;
    }

    /**
     * Median throughput of each row as a dot with its 95 % interval as a whisker on both sides (log axis, round ticks),
     * in the row's layout colour; a row without an interval shows the dot alone.
     */
    public static byte[] throughput(String title, List<SummaryRow> all, String unit) {
        // The in-process floor (millions of calls/s) would set the axis and squeeze the real backends into a sliver:
        // it is named in the title with its figure, not drawn.
        List<SummaryRow> rows = all.stream().filter(s -> !s.record().store().layout().floor()).toList();
        String floors = String.join(", ", all.stream().filter(s -> s.record().store().layout().floor())
                .map(s -> s.record().target() + " floor " + ReportWriter.fmt(s.throughput().median()) + " " + unit).toList());
        if (!floors.isEmpty()) {
            title = title + " (" + floors + ", not drawn)";
        }
        if (rows.isEmpty()) {
            rows = all;
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        String[] labels = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Stats.Summary t = rows.get(i).throughput();
            labels[i] = rows.get(i).record().target();
            YIntervalSeries s = new YIntervalSeries(labels[i] + "#" + i);
            s.add(i, t.median(), t.hasInterval() ? t.low() : t.median(), t.hasInterval() ? t.high() : t.median());
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "", unit + " (log)", data, PlotOrientation.VERTICAL,
                false, false, false);
        XYPlot plot = chart.getXYPlot();
        SymbolAxis x = new SymbolAxis("", labels);
        x.setVerticalTickLabels(true);
        x.setGridBandsVisible(false);
        x.setRange(-0.6, rows.size() - 0.4);
        plot.setDomainAxis(x);
        plot.setRangeAxis(logAxis(unit + " (log)", 1));
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setCapLength(10);
        r.setErrorStroke(new BasicStroke(2f));
        for (int i = 0; i < rows.size(); i++) {
            r.setSeriesPaint(i, Look.awtColour(rows.get(i).record().layout()));
            r.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10));
            r.setSeriesLinesVisible(i, false);
        }
        plot.setRenderer(r);
        style(chart);
        return png(chart, W, H + 80);
    }

    /**
     * One line per row across size categories ({@code 2 KB}, {@code 128 KB}: only the sizes measured), log value axis
     * with round ticks; {@code values} maps a row label to one value per category (NaN: not measured).
     */
    public static byte[] bySize(String title, String yLabel, List<String> sizes, Map<BenchRecord, double[]> all) {
        // The in-process floor (well under a microsecond) would set the log axis' lower end: named, not drawn.
        Map<BenchRecord, double[]> real = new java.util.LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (!k.store().layout().floor()) {
                real.put(k, v);
            }
        });
        boolean apart = real.size() < all.size() && !real.isEmpty();
        Map<BenchRecord, double[]> values = apart ? real : all;
        if (apart) {
            title = title + " (the in-process floor not drawn)";
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<BenchRecord> order = new java.util.ArrayList<>(values.keySet());
        for (BenchRecord rec : order) {
            double[] v = values.get(rec);
            for (int i = 0; i < sizes.size(); i++) {
                data.addValue(Double.isNaN(v[i]) ? null : v[i], rec.target(), sizes.get(i));
            }
        }
        JFreeChart chart = ChartFactory.createLineChart(title, "session size", yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setRangeAxis(logAxis(yLabel, 0.01));
        LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
        for (int i = 0; i < order.size(); i++) {
            r.setSeriesPaint(i, Look.awtColour(order.get(i).layout()));
            r.setSeriesStroke(i, Look.stroke(order.get(i)));
        }
        plot.setRenderer(r);
        style(chart);
        return png(chart);
    }

    /** A base-10 log axis whose ticks fall on powers of ten, labelled 1, 10, 100, 1k, 10k. */
    static LogAxis logAxis(String label, double smallest) {
        LogAxis y = new StepLogAxis(label);
        y.setBase(10);
        y.setSmallestValue(smallest);
        y.setTickUnit(new NumberTickUnit(1));
        y.setMinorTickMarksVisible(true);
        y.setNumberFormatOverride(Look.roundFormat());
        return y;
    }

    /**
     * A log axis labelled at 1-2-5 steps of each decade, not at powers of ten alone (a chart spanning 3 to 9 had no
     * label at all): coarser (1, or 1 and 3 per decade) when that would crowd the axis, finer (1, 1.5, 2, 3 … 9)
     * when the data spans too little of a decade for three labels.
     */
    static final class StepLogAxis extends LogAxis {
        private static final double[][] STEPS = {{1}, {1, 3}, {1, 2, 5}, {1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9}};

        StepLogAxis(String label) {
            super(label);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public List refreshTicks(java.awt.Graphics2D g2, org.jfree.chart.axis.AxisState state, java.awt.geom.Rectangle2D area,
                                 org.jfree.chart.ui.RectangleEdge edge) {
            org.jfree.chart.ui.TextAnchor anchor = org.jfree.chart.ui.RectangleEdge.isTopOrBottom(edge)
                    ? org.jfree.chart.ui.TextAnchor.TOP_CENTER : org.jfree.chart.ui.TextAnchor.CENTER_RIGHT;
            List ticks = new java.util.ArrayList();
            NumberFormat f = getNumberFormatOverride() != null ? getNumberFormatOverride() : Look.roundFormat();
            for (double v : values(getLowerBound(), getUpperBound())) {
                ticks.add(new org.jfree.chart.axis.NumberTick(org.jfree.chart.axis.TickType.MAJOR, v, f.format(v), anchor, anchor, 0));
            }
            return ticks;
        }

        /** The labelled values between {@code lo} and {@code hi}: 1-2-5 steps unless too many (over 12) or too few (under 3). */
        static List<Double> values(double lo, double hi) {
            List<Double> steps125 = at(STEPS[2], lo, hi);
            if (steps125.size() > 12) {
                List<Double> ones = at(STEPS[0], lo, hi);
                return ones.size() >= 3 ? ones : at(STEPS[1], lo, hi);
            }
            if (steps125.size() >= 3) {
                return steps125;
            }
            List<Double> fine = at(STEPS[3], lo, hi);
            return fine.size() >= 3 ? fine : linear(lo, hi);
        }

        /** Evenly spaced values at a 1-2-5 step giving 3 to 6 of them: for data within a small part of a decade. */
        private static List<Double> linear(double lo, double hi) {
            List<Double> out = new java.util.ArrayList<>();
            if (!(hi > lo)) {
                return out;
            }
            double raw = (hi - lo) / 4;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
            for (double v = Math.ceil(lo / step) * step; v <= hi * (1 + 1e-12); v += step) {
                out.add(v);
            }
            return out;
        }

        private static List<Double> at(double[] mantissas, double lo, double hi) {
            List<Double> out = new java.util.ArrayList<>();
            if (!(lo > 0) || !(hi > lo)) {
                return out;
            }
            for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
                for (double m : mantissas) {
                    double v = m * Math.pow(10, e);
                    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                        out.add(v);
                    }
                }
            }
            return out;
        }
    }

    private static void look(XYLineAndShapeRenderer r, int series, BenchRecord rec) {
        r.setSeriesPaint(series, Look.awtColour(rec.layout()));
        r.setSeriesStroke(series, Look.stroke(rec));
    }

    /** One line per series of (x, y) points, both axes logarithmic; used for latency against session size and rate. */
    public static byte[] lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, boolean logX) {
        return lines(title, xLabel, yLabel, series, logX, Map.of());
    }

    /** {@link #lines} with vertical markers, labelled, at x positions (e.g. when a fault fired). */
    public static byte[] lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, boolean logX,
                               Map<String, Double> markers) {
        return lines(title, xLabel, yLabel, series, logX, markers, false);
    }

    /**
     * Shares in percent over x (e.g. the calls of each second that failed, by error type), on a linear 0-100 axis, with
     * {@link #lines}' markers: a share drawn on a log scale hides how much failed.
     */
    public static byte[] shares(String title, String xLabel, String yLabel, Map<String, double[][]> series, Map<String, Double> markers) {
        return lines(title, xLabel, yLabel, series, false, markers, true);
    }

    /**
     * {@link #lines} in given colours (a series' layout colour, so one layout looks the same in every chart), the series
     * named in {@code dashed} drawn dashed (e.g. the uncorrected twin of a corrected line).
     */
    public static byte[] lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, Map<String, Color> colours,
                               java.util.Set<String> dashed) {
        return lines(title, xLabel, yLabel, series, false, Map.of(), false, null, Double.NaN, colours, dashed);
    }

    /** {@link #lines} with a horizontal line at {@code level}, labelled (an objective). */
    public static byte[] lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, String levelLabel, double level) {
        return lines(title, xLabel, yLabel, series, false, Map.of(), false, levelLabel, level, Map.of(), java.util.Set.of());
    }

    private static byte[] lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, boolean logX,
                                Map<String, Double> markers, boolean percent) {
        return lines(title, xLabel, yLabel, series, logX, markers, percent, null, Double.NaN, Map.of(), java.util.Set.of());
    }

    private static byte[] lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, boolean logX,
                                Map<String, Double> markers, boolean percent, String levelLabel, double level,
                                Map<String, Color> colours, java.util.Set<String> dashed) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, pts) -> {
            XYSeries s = new XYSeries(name, true, true);
            for (double[] p : pts) {
                s.add(p[0], percent ? p[1] : Math.max(0.001, p[1]));
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        if (logX) {
            plot.setDomainAxis(logAxis(xLabel, 1));
        }
        if (percent) {
            org.jfree.chart.axis.NumberAxis y = new org.jfree.chart.axis.NumberAxis(yLabel);
            y.setRange(0, 100);
            y.setTickUnit(new NumberTickUnit(10));
            plot.setRangeAxis(y);
        } else {
            plot.setRangeAxis(logAxis(yLabel, 0.01));
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        int n = 0;
        for (String name : series.keySet()) {
            Color c = colours.get(name);
            r.setSeriesPaint(n, c != null ? c : OKABE_ITO[n % OKABE_ITO.length]);
            if (dashed.contains(name)) {
                r.setSeriesStroke(n, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
            }
            n++;
        }
        plot.setRenderer(r);
        // The first marker (the fault) in vermillion, the servers' events in grey; labels staggered so close ones stay legible.
        int[] i = {0};
        markers.forEach((label, x) -> {
            org.jfree.chart.plot.ValueMarker m = new org.jfree.chart.plot.ValueMarker(x, i[0] == 0 ? OKABE_ITO[1] : Color.GRAY,
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            m.setLabel(label);
            m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
            m.setLabelOffset(new org.jfree.chart.ui.RectangleInsets(4 + 14 * (i[0] % 6), 3, 3, 3));
            plot.addDomainMarker(m);
            i[0]++;
        });
        if (levelLabel != null && level > 0) {
            org.jfree.chart.plot.ValueMarker m = new org.jfree.chart.plot.ValueMarker(level, OKABE_ITO[1], new BasicStroke(2f));
            m.setLabel(levelLabel);
            m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
            m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
            plot.addRangeMarker(m);
            // the axis reaches the objective even when every point lies below it
            double top = plot.getRangeAxis().getUpperBound();
            if (top < level * 1.5) {
                plot.getRangeAxis().setUpperBound(level * 1.5);
            }
        }
        style(chart);
        return png(chart);
    }

    /**
     * Throughput of each measurement iteration, one line per row in the row's look, with the iterations that something
     * disturbed (see {@link SummaryRow#disturbedIterations()}) circled in a separate "disturbed" series.
     */
    public static byte[] iterations(String title, List<SummaryRow> rows) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries marks = new XYSeries("disturbed iteration", false, true);
        for (SummaryRow row : rows) {
            double[] v = row.record().primary().raw();
            XYSeries s = new XYSeries(row.record().target(), false, true);
            List<List<String>> d = row.disturbedIterations();
            for (int i = 0; i < v.length; i++) {
                s.add(i + 1, v[i]);
                if (i < d.size() && !d.get(i).isEmpty()) {
                    marks.add(i + 1, v[i]);
                }
            }
            data.addSeries(s);
        }
        data.addSeries(marks);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "measurement iteration", "ok/s", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < rows.size(); i++) {
            look(r, i, rows.get(i).record());
        }
        int last = data.getSeriesCount() - 1;
        r.setSeriesLinesVisible(last, false);
        r.setSeriesShape(last, new java.awt.geom.Ellipse2D.Double(-7, -7, 14, 14));
        r.setSeriesPaint(last, Color.RED);
        r.setSeriesShapesFilled(last, false);
        r.setSeriesStroke(last, new BasicStroke(2f));
        plot.setRenderer(r);
        org.jfree.chart.axis.NumberAxis x = (org.jfree.chart.axis.NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        org.jfree.chart.axis.NumberAxis y = (org.jfree.chart.axis.NumberAxis) plot.getRangeAxis();
        y.setNumberFormatOverride(Look.roundFormat());
        style(chart);
        return png(chart);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(250, 250, 250));
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    }

    private static byte[] png(JFreeChart chart) {
        return png(chart, W, H);
    }

    private static byte[] png(JFreeChart chart, int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, w, h);
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
