package io.sessionbench.report;

import java.util.List;
import java.util.Locale;

/** The table printed at the end of a run: one line per benchmark × parameters. */
public final class SummaryTable {
    private SummaryTable() {
    }

    public static String render(List<SummaryRow> rows) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-16s %-32s %8s %3s %12s %6s %10s %10s %10s %7s %7s %6s%n",
                "operation", "layout", "size", "thr", "ok/s", "CV", "P50 µs", "P99 µs", "P99.9 µs", "misses", "errors", "lost"));
        for (SummaryRow s : rows) {
            var r = s.record();
            b.append(String.format(Locale.ROOT, "%-16s %-32s %8s %3d %12.0f %5.1f%% %10.2f %10.2f %10.2f %7.0f %7.0f %6.0f%n",
                    r.operation(), r.target(), r.params().getOrDefault("sessionBytes", ""), r.threads(),
                    s.throughput().median(), s.throughput().cvPercent(), s.percentileMicros(50), s.percentileMicros(99),
                    s.percentileMicros(99.9), s.misses(), s.errors(), s.lostUpdates()));
        }
        return b.toString();
    }
}
