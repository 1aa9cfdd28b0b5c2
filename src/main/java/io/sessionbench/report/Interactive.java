package io.sessionbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The interactive charts of {@code report.html}: ECharts options built here, one per chart, and ECharts itself inlined
 * from its webjar, so the page works offline (no CDN). Series toggle from the legend and values show on hover. The
 * page records how many series it rendered and every script error in attributes of {@code <body>}, which the
 * headless-browser test reads. Functions cannot travel in JSON, so options name them as {@code "fn:name"} and the page
 * swaps in its own functions.
 */
public final class Interactive {
    static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ObjectNode> charts = new ArrayList<>();
    private int series;

    /** A placeholder {@code <div>} for the chart with this option, to put where the chart belongs. */
    String place(ObjectNode option) {
        charts.add(option);
        series += option.withArray("series").size();
        return "<div class=\"chart\" id=\"chart-" + (charts.size() - 1) + "\"></div>";
    }

    int seriesCount() {
        return series;
    }

    int chartCount() {
        return charts.size();
    }

    /**
     * A value axis that ECharts labels with at least three numbers: linear with nice steps when the values span a
     * decade or less (a log axis would label one power of ten, or none); logarithmic above that, with 1-2-5 bounds.
     */
    static ObjectNode valueAxis(ObjectNode node, String name, List<Double> values) {
        double lo = values.stream().filter(v -> v > 0).mapToDouble(Double::doubleValue).min().orElse(1);
        double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        boolean log = hi / lo > 10;
        ObjectNode label = axis(node, log ? "log" : "value", name + (log ? " (log)" : "")).putObject("axisLabel").put("formatter", "fn:round");
        if (!log) {
            node.put("scale", true);
            return node;
        }
        // ECharts labels a log axis at powers of ten only; bounds at 1-2-5 values outside the data are labelled too, so
        // a span of more than a decade carries at least three numbers (the bounds and a power of ten between them)
        node.put("min", step125(lo, false)).put("max", step125(hi, true));
        label.put("showMinLabel", true).put("showMaxLabel", true);
        return node;
    }

    /** The 1-2-5 value at or below ({@code up} false) or at or above {@code v}: 1, 2, 5, 10, 20 … */
    static double step125(double v, boolean up) {
        double decade = Math.pow(10, Math.floor(Math.log10(v)));
        double[] steps = {1, 2, 5, 10};
        if (up) {
            for (double s : steps) {
                if (s * decade >= v * (1 - 1e-12)) {
                    return s * decade;
                }
            }
            return 10 * decade;
        }
        for (int i = steps.length - 1; i >= 0; i--) {
            if (steps[i] * decade <= v * (1 + 1e-12)) {
                return steps[i] * decade;
            }
        }
        return decade;
    }

    /** Latency against 1/(1-p), both axes log, one line per row. */
    static ObjectNode percentiles(String title, List<SummaryRow> rows) {
        ObjectNode o = base(title, "axis", "fn:percentileTip");
        axis(o.putObject("xAxis"), "log", "percentile").put("min", 1).putObject("axisLabel").put("formatter", "fn:percentile");
        ArrayNode series = o.putArray("series");
        List<Double> ys = new java.util.ArrayList<>();
        for (SummaryRow row : rows) {
            if (row.latency() == null || row.latency().getTotalCount() == 0) {
                continue;
            }
            ObjectNode s = line(series, row.record());
            ArrayNode data = s.putArray("data");
            for (double[] p : Charts.percentilePoints(row.latency())) {
                data.addArray().add(p[0]).add(p[1]);
                ys.add(p[1]);
            }
        }
        valueAxis(o.putObject("yAxis"), "latency µs", ys);
        return o;
    }

    /** Median ok/s of each row with its 95 % interval as a whisker (a dot and a whisker per row, toggled together). */
    static ObjectNode throughput(String title, List<SummaryRow> rows) {
        ObjectNode o = base(title, "item", "fn:throughputTip");
        ObjectNode x = axis(o.putObject("xAxis"), "category", "");
        ArrayNode labels = x.putArray("data");
        x.putObject("axisLabel").put("rotate", 30).put("interval", 0);
        List<Double> ys = new java.util.ArrayList<>();
        rows.forEach(r -> {
            ys.add(r.throughput().hasInterval() ? r.throughput().low() : r.throughput().median());
            ys.add(r.throughput().hasInterval() ? r.throughput().high() : r.throughput().median());
        });
        valueAxis(o.putObject("yAxis"), "ok/s", ys);
        o.with("grid").put("bottom", 130);
        ArrayNode series = o.putArray("series");
        for (SummaryRow row : rows) {
            String name = row.record().target();
            labels.add(name);
            Stats.Summary t = row.throughput();
            double low = t.hasInterval() ? t.low() : t.median();
            double high = t.hasInterval() ? t.high() : t.median();
            ObjectNode dot = series.addObject().put("name", name).put("type", "scatter").put("symbolSize", 11);
            dot.putObject("itemStyle").put("color", Look.colour(row.record().layout()));
            dot.putArray("data").addArray().add(name).add(t.median()).add(low).add(high);
            ObjectNode whisker = series.addObject().put("name", name).put("type", "custom").put("renderItem", "fn:whisker");
            whisker.putObject("itemStyle").put("color", Look.colour(row.record().layout()));
            whisker.putArray("data").addArray().add(name).add(low).add(high);
            ObjectNode encode = whisker.putObject("encode").put("x", 0);
            encode.putArray("y").add(1).add(2);
        }
        return o;
    }

    /** ok/s of each measurement iteration, one line per row; disturbed iterations drawn as large red circles. */
    static ObjectNode iterations(String title, List<SummaryRow> rows) {
        ObjectNode o = base(title, "axis", null);
        axis(o.putObject("xAxis"), "value", "measurement iteration").put("minInterval", 1);
        axis(o.putObject("yAxis"), "value", "ok/s").put("scale", true).putObject("axisLabel").put("formatter", "fn:round");
        ArrayNode series = o.putArray("series");
        for (SummaryRow row : rows) {
            ObjectNode s = line(series, row.record());
            s.put("symbolSize", 5);
            ArrayNode data = s.putArray("data");
            double[] v = row.record().primary().raw();
            List<List<String>> d = row.disturbedIterations();
            for (int i = 0; i < v.length; i++) {
                ObjectNode p = data.addObject();
                p.putArray("value").add(i + 1).add(v[i]);
                if (i < d.size() && !d.get(i).isEmpty()) {
                    p.put("symbol", "emptyCircle").put("symbolSize", 14).putObject("itemStyle").put("color", "#d00000")
                            .put("borderWidth", 2);
                    p.put("name", "disturbed: " + String.join(", ", d.get(i)));
                }
            }
        }
        return o;
    }

    /** One line per row across the measured sizes (categories), log value axis. */
    static ObjectNode bySize(String title, String yName, List<String> sizes, Map<BenchRecord, double[]> values) {
        ObjectNode o = base(title, "axis", null);
        ObjectNode x = axis(o.putObject("xAxis"), "category", "session size");
        sizes.forEach(x.putArray("data")::add);
        List<Double> ys = new java.util.ArrayList<>();
        values.values().forEach(v -> java.util.Arrays.stream(v).filter(d -> !Double.isNaN(d)).forEach(ys::add));
        valueAxis(o.putObject("yAxis"), yName, ys);
        ArrayNode series = o.putArray("series");
        values.forEach((rec, v) -> {
            ArrayNode data = line(series, rec).putArray("data");
            for (double d : v) {
                if (Double.isNaN(d)) {
                    data.addNull();
                } else {
                    data.add(d);
                }
            }
        });
        return o;
    }

    private static ObjectNode base(String title, String trigger, String tipFormatter) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("title").put("text", title).put("left", "center").putObject("textStyle").put("fontSize", 13);
        ObjectNode tip = o.putObject("tooltip").put("trigger", trigger);
        if (tipFormatter != null) {
            tip.put("formatter", tipFormatter);
        }
        o.putObject("legend").put("top", 24).put("type", "scroll");
        o.putObject("grid").put("top", 70).put("left", 70).put("right", 30).put("bottom", 55);
        o.put("animation", false);
        return o;
    }

    private static ObjectNode axis(ObjectNode a, String type, String name) {
        a.put("type", type).put("name", name).put("nameLocation", "middle").put("nameGap", type.equals("category") ? 28 : 45);
        return a;
    }

    /** A line series in the row's look: layout colour, client dash. */
    private static ObjectNode line(ArrayNode series, BenchRecord rec) {
        ObjectNode s = series.addObject().put("name", rec.target()).put("type", "line").put("showSymbol", true).put("symbolSize", 3);
        ObjectNode style = s.putObject("lineStyle").put("color", Look.colour(rec.layout())).put("width", 2);
        float[] dash = Look.dash(rec);
        if (dash == null) {
            style.put("type", "solid");
        } else {
            ArrayNode d = style.putArray("type");
            for (float f : dash) {
                d.add(f);
            }
        }
        s.putObject("itemStyle").put("color", Look.colour(rec.layout()));
        return s;
    }

    /** The {@code <script>} elements: ECharts, the options, and the code that draws them and records the outcome. */
    String scripts() {
        String options;
        try {
            options = JSON.writeValueAsString(charts).replace("</", "<\\/");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the chart options", e);
        }
        return "<script>window.__errors=[];window.addEventListener('error',function(e){__errors.push(String(e.message))});"
                + "(function(){var ce=console.error;console.error=function(){__errors.push(Array.prototype.join.call(arguments,' '));"
                + "ce.apply(console,arguments)}})();</script>\n"
                + "<script>" + echarts().replace("</script", "<\\/script") + "</script>\n"
                + "<script>\n" + PAGE.replace("__OPTIONS__", options).replace("__EXPECTED__", String.valueOf(series)) + "</script>\n";
    }

    /** ECharts' own script, inlined by every page that draws charts (the report, the history site). */
    public static String echartsScript() {
        return echarts().replace("</script", "<\\/script");
    }

    private static String echarts() {
        try (InputStream in = Interactive.class.getClassLoader().getResourceAsStream(ECHARTS)) {
            if (in == null) {
                throw new IllegalStateException("ECharts is missing from the jar (" + ECHARTS + "); rebuild with 'mvn package'");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + ECHARTS + ": " + e.getMessage(), e);
        }
    }

    /** Draws every chart; formatters and the whisker renderer are the functions that options name as {@code fn:…}. */
    private static final String PAGE = """
            (function () {
              function round(v) {
                var a = Math.abs(v), f = function (x) { return String(Math.round(x * 1000) / 1000); };
                return a >= 1e6 ? f(v / 1e6) + 'M' : a >= 1e3 ? f(v / 1e3) + 'k' : f(v);
              }
              function percentile(x) { return String(Math.round((1 - 1 / x) * 1e6) / 1e4) + '%'; }
              function percentileTip(ps) {
                if (!ps.length) { return ''; }
                return 'P' + percentile(ps[0].value[0]).replace('%', '') + '<br>' + ps.map(function (p) {
                  return p.marker + p.seriesName + ': ' + round(p.value[1]) + ' µs'; }).join('<br>');
              }
              function throughputTip(p) {
                var v = p.value;
                return p.marker + p.seriesName + '<br>' + (v.length === 4 ? 'median ' + round(v[1]) + ' ok/s<br>95 % CI ' + round(v[2])
                  + ' … ' + round(v[3]) : '95 % CI ' + round(v[1]) + ' … ' + round(v[2]));
              }
              function whisker(params, api) {
                var lo = api.coord([api.value(0), api.value(1)]), hi = api.coord([api.value(0), api.value(2)]);
                var w = 8, style = { stroke: api.visual('color'), lineWidth: 2 };
                return { type: 'group', children: [
                  { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style },
                  { type: 'line', shape: { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] }, style: style },
                  { type: 'line', shape: { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }, style: style }] };
              }
              var fns = { round: round, percentile: percentile, percentileTip: percentileTip, throughputTip: throughputTip, whisker: whisker };
              function bind(o) {
                if (Array.isArray(o)) { return o.map(bind); }
                if (o && typeof o === 'object') { Object.keys(o).forEach(function (k) { o[k] = bind(o[k]); }); return o; }
                if (typeof o === 'string' && o.indexOf('fn:') === 0) { return fns[o.substring(3)]; }
                return o;
              }
              // the labels ECharts lays out on each value or log axis of a chart, as 'yAxis=4,xAxis=3'
              function axisLabels(chart) {
                var out = [];
                ['xAxis', 'yAxis'].forEach(function (kind) {
                  chart.getModel().eachComponent(kind, function (m) {
                    if (m.axis && m.axis.type !== 'category') { out.push(kind + '=' + m.axis.getViewLabels().length); }
                  });
                });
                return out.join(',');
              }
              var options = __OPTIONS__, rendered = 0, labels = [];
              options.forEach(function (option, i) {
                var el = document.getElementById('chart-' + i);
                try {
                  var chart = echarts.init(el, null, { renderer: 'canvas' });
                  chart.setOption(bind(option));
                  rendered += chart.getOption().series.length;
                  labels.push(i + ':' + axisLabels(chart));
                  window.addEventListener('resize', function () { chart.resize(); });
                } catch (e) { window.__errors.push('chart ' + i + ': ' + e.message); }
              });
              document.body.setAttribute('data-expected-series', '__EXPECTED__');
              document.body.setAttribute('data-rendered-series', String(rendered));
              document.body.setAttribute('data-charts', String(options.length));
              document.body.setAttribute('data-axis-labels', labels.join(';'));
              document.body.setAttribute('data-errors', String(window.__errors.length));
              var pre = document.getElementById('script-errors');
              if (pre) { pre.textContent = window.__errors.join('\\n'); }
            })();
            """;
}
