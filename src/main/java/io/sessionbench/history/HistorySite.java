package io.sessionbench.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The history as a static site ({@code history build HISTORY --out SITE}): one offline page, ECharts inlined as the
 * report does. It opens with what changed (correctness first, then the newest), then per benchmark the throughput of
 * every run with its 95 % interval and its P50/P99/P99.9, environment segments marked, and a percentile spectrum that
 * overlays any two runs on HdrHistogram's 1/(1−p) axis. A run whose folder holds {@code report.html} in
 * {@code SITE/runs/ID/} is linked.
 */
public final class HistorySite {
    static final double[] SPECTRUM = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999};
    private static final ObjectMapper JSON = new ObjectMapper();

    private HistorySite() {
    }

    /** Writes {@code out/index.html}; returns its path. */
    public static Path build(List<HistoryRecord> runs, List<History.Change> changes, java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> confirmed,
                             String branch, long bytes, Path out) throws IOException {
        Files.createDirectories(out);
        ObjectNode data = JSON.createObjectNode();
        data.put("branch", branch);
        ArrayNode rs = data.putArray("runs");
        for (HistoryRecord r : runs) {
            ObjectNode o = rs.addObject();
            o.put("id", r.id()).put("commit", History.shortCommit(r.commit())).put("date", r.date()).put("fingerprint", r.fingerprint())
                    .put("report", Files.exists(out.resolve("runs").resolve(r.id()).resolve("report.html")) ? "runs/" + r.id() + "/report.html" : "");
        }
        ObjectNode benches = data.putObject("benchmarks");
        for (String key : History.keys(runs)) {
            ObjectNode b = benches.putObject(key);
            ArrayNode ok = b.putArray("ok");
            ArrayNode p = b.putArray("pct");
            ObjectNode spectra = b.putObject("spectrum");
            for (int i = 0; i < runs.size(); i++) {
                HistoryRecord r = runs.get(i);
                for (HistoryRecord.Bench x : r.benchmarks()) {
                    if (!x.key().equals(key)) {
                        continue;
                    }
                    ArrayNode o = ok.addArray().add(i);
                    num(o, x.value());
                    num(o, x.low());
                    num(o, x.high());
                    ArrayNode pc = p.addArray().add(i);
                    num(pc, x.p50());
                    num(pc, x.p99());
                    num(pc, x.p999());
                    Histogram h = x.decodeHistogram();
                    if (h != null && h.getTotalCount() > 0) {
                        ArrayNode s = spectra.putArray(r.id());
                        for (double q : SPECTRUM) {
                            s.addArray().add(1 / (1 - q / 100)).add(h.getValueAtPercentile(q) / 1000.0);
                        }
                    }
                }
            }
        }
        StringBuilder list = new StringBuilder();
        if (changes.isEmpty()) {
            list.append("<p id=\"no-changes\">No change point in ").append(runs.size()).append(" runs.</p>\n");
        } else {
            list.append("<ol id=\"changes\">\n");
            for (History.Change c : changes) {
                var k = confirmed.get(c.id());
                list.append("<li class=\"").append(c.kind()).append("\"><b>").append(c.kind()).append("</b> ").append(esc(c.describe()));
                if (k != null) {
                    list.append(" — <b>").append(esc(k.path("verdict").asText())).append("</b> by <a href=\"")
                            .append(esc(k.path("gate").asText())).append("/gate.md\">the gate</a>");
                }
                list.append("</li>\n");
            }
            list.append("</ol>\n");
        }
        String html = PAGE.replace("__TITLE__", esc("sessionbench history of " + branch))
                .replace("__SUMMARY__", esc(String.format(Locale.ROOT, "%d runs, %,d bytes of records (%,.0f per run); change points by E-divisive "
                        + "means and Student's t (p < %s, at least the history's own resolution), per environment segment",
                        runs.size(), bytes, runs.isEmpty() ? 0.0 : (double) bytes / runs.size(), History.P_MAX)))
                .replace("__CHANGES__", list.toString())
                .replace("__ECHARTS__", io.sessionbench.report.Interactive.echartsScript())
                .replace("__DATA__", JSON.writeValueAsString(data).replace("</", "<\\/"));
        Path index = out.resolve("index.html");
        Files.writeString(index, html);
        return index;
    }

    /** A value rounded to 0.1, or null where there is none (a log axis cannot show 0). */
    private static void num(ArrayNode a, double v) {
        if (Double.isNaN(v) || v <= 0) {
            a.addNull();
        } else {
            a.add(Math.round(v * 10) / 10.0);
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
            <style>body{font-family:sans-serif;margin:1.5em;max-width:1100px}li.correctness{color:#b00}li.environment{color:#555}li.machine{color:#555}
            .chart{width:100%;height:320px}h2{margin-top:1.6em}</style></head><body>
            <h1>__TITLE__</h1>
            <p>__SUMMARY__</p>
            <h2>What changed</h2>
            __CHANGES__
            <h2>Runs</h2><ol id="runs"></ol>
            <h2>Percentile spectrum: two runs overlaid</h2>
            <p>benchmark <select id="sb"></select> run <select id="sa"></select> against <select id="sc"></select></p>
            <div id="spectrum" class="chart"></div>
            <div id="benchmarks"></div>
            <script>window.__errors=[];window.addEventListener('error',function(e){__errors.push(String(e.message))});</script>
            <script>__ECHARTS__</script>
            <script>
            var D = __DATA__;
            var labels = D.runs.map(function (r) { return r.date.substring(0, 16) + ' ' + r.commit; });
            var runs = document.getElementById('runs');
            D.runs.forEach(function (r) {
              var li = document.createElement('li');
              li.textContent = r.id + ' · commit ' + r.commit + ' · environment ' + r.fingerprint + ' ';
              if (r.report) { var a = document.createElement('a'); a.href = r.report; a.textContent = 'report'; li.appendChild(a); }
              runs.appendChild(li);
            });
            var segments = [];
            D.runs.forEach(function (r, i) { if (i > 0 && r.fingerprint !== D.runs[i - 1].fingerprint) { segments.push(i); } });
            function marks() { return { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#888' },
              data: segments.map(function (i) { return { xAxis: labels[i], label: { formatter: 'environment' } }; }) }; }
            var charts = [];
            Object.keys(D.benchmarks).forEach(function (key, n) {
              var b = D.benchmarks[key];
              var h = document.createElement('h2'); h.textContent = key; document.getElementById('benchmarks').appendChild(h);
              ['ok', 'pct'].forEach(function (kind) {
                var div = document.createElement('div'); div.className = 'chart'; div.id = 'c' + n + kind;
                document.getElementById('benchmarks').appendChild(div);
                var c = echarts.init(div);
                var series = kind === 'ok' ? [
                  { name: 'ok/s', type: 'line', data: b.ok.map(function (v) { return [labels[v[0]], v[1]]; }), markLine: marks() },
                  { name: '95 % low', type: 'line', lineStyle: { type: 'dotted' }, symbol: 'none', data: b.ok.map(function (v) { return [labels[v[0]], v[2]]; }) },
                  { name: '95 % high', type: 'line', lineStyle: { type: 'dotted' }, symbol: 'none', data: b.ok.map(function (v) { return [labels[v[0]], v[3]]; }) }
                ] : ['P50', 'P99', 'P99.9'].map(function (name, j) {
                  return { name: name, type: 'line', data: b.pct.map(function (v) { return [labels[v[0]], v[j + 1]]; }), markLine: j === 0 ? marks() : undefined };
                });
                c.setOption({ animation: false, title: { text: key + (kind === 'ok' ? ': successful calls per second' : ': latency percentiles'), textStyle: { fontSize: 13 } },
                  tooltip: { trigger: 'axis' }, legend: { top: 22 }, grid: { top: 60, left: 70, right: 30 },
                  xAxis: { type: 'category', name: 'run', data: labels, nameLocation: 'middle', nameGap: 28 },
                  yAxis: { type: kind === 'ok' ? 'value' : 'log', name: kind === 'ok' ? 'ok/s' : 'µs', scale: true }, series: series });
                charts.push(c);
              });
            });
            var sb = document.getElementById('sb'), sa = document.getElementById('sa'), sc = document.getElementById('sc');
            Object.keys(D.benchmarks).forEach(function (k) { if (Object.keys(D.benchmarks[k].spectrum).length) { sb.add(new Option(k, k)); } });
            var spectrum = echarts.init(document.getElementById('spectrum'));
            function runsOf() {
              var ids = Object.keys((D.benchmarks[sb.value] || { spectrum: {} }).spectrum);
              [sa, sc].forEach(function (s, j) { s.innerHTML = ''; ids.forEach(function (id) { s.add(new Option(id, id)); });
                s.value = ids[Math.max(0, ids.length - 1 - j)]; });
              drawSpectrum();
            }
            function drawSpectrum() {
              var s = (D.benchmarks[sb.value] || { spectrum: {} }).spectrum;
              spectrum.setOption({ animation: false, title: { text: 'latency by percentile (1/(1−p) axis)', textStyle: { fontSize: 13 } }, legend: { top: 22 },
                tooltip: { trigger: 'axis' }, grid: { top: 60, left: 70, right: 30 },
                xAxis: { type: 'log', name: 'percentile', nameLocation: 'middle', nameGap: 28,
                  axisLabel: { formatter: function (x) { return (Math.round((1 - 1 / x) * 1e5) / 1e3) + '%'; } } },
                yAxis: { type: 'log', name: 'µs' },
                series: [sa.value, sc.value].filter(function (id, i, all) { return s[id] && all.indexOf(id) === i; })
                  .map(function (id) { return { name: id, type: 'line', data: s[id] }; })
              }, true);
            }
            sb.onchange = runsOf; sa.onchange = drawSpectrum; sc.onchange = drawSpectrum;
            runsOf();
            // what a test reads back (as the report's page does): charts, series expected and drawn, script errors
            var expected = Object.keys(D.benchmarks).length * 6
              + Math.min(2, Object.keys((D.benchmarks[sb.value] || { spectrum: {} }).spectrum).length);
            var drawn = 0;
            charts.concat([spectrum]).forEach(function (c) { drawn += (c.getOption().series || []).length; });
            document.body.setAttribute('data-charts', String(charts.length + 1));
            document.body.setAttribute('data-expected-series', String(expected));
            document.body.setAttribute('data-rendered-series', String(drawn));
            // each chart's axes as 'name(labels shown)': 'run(31)|ok/s(6)'; a test checks that every axis is named and labelled
            function axisOf(c, kind) {
              var out = '';
              c.getModel().eachComponent(kind, function (m) {
                if (!out) { out = (m.get('name') || '') + '(' + (m.axis ? m.axis.getViewLabels().length : 0) + ')'; }
              });
              return out;
            }
            document.body.setAttribute('data-axis-names', charts.concat([spectrum])
              .map(function (c) { return axisOf(c, 'xAxis') + '|' + axisOf(c, 'yAxis'); }).join(';'));
            document.body.setAttribute('data-errors', String(window.__errors.length));
            if (window.__errors.length) {
              var pre = document.createElement('pre'); pre.id = 'script-errors'; pre.textContent = window.__errors.join(' | ');
              document.body.appendChild(pre);
            }
            </script></body></html>
            """;
}
