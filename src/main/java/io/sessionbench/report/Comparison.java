package io.sessionbench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The regression gate. Per benchmark and metric, each side's samples are its per-iteration values (JMH raw data,
 * every fork), or, when a side has three runs or more, the median of each run, so run-to-run variation counts. The
 * change is the ratio of medians current/baseline with a 95 % bootstrap interval ({@link Stats#ratio}).
 * A metric is a REGRESSION when the whole interval lies beyond the threshold on the worse side (the data shows a
 * change larger than the threshold, not merely a difference from zero: per-iteration intervals leave out the drift
 * between runs); IMPROVED symmetrically; OK when judged and neither; CANNOT_JUDGE when a side has fewer than 3 samples or
 * the interval's half-width exceeds the noise limit (the data cannot tell a change of the threshold's size from
 * noise); MISSING when the current side lacks it.
 */
public final class Comparison {
    public enum Verdict { OK, IMPROVED, REGRESSION, CANNOT_JUDGE, MISSING }

    public record Line(String key, String metric, double baseline, double current, double changePercent,
                       double lowPercent, double highPercent, boolean higherIsBetter, Verdict verdict, String note) {
        /** Whether this is a headline metric: {@code request} throughput or P99, one thread, one in flight, 2 KB. */
        public boolean headline() {
            return key.startsWith("SessionOps.request_") && key.contains("_sessionBytes=2048_") && key.endsWith("_t1")
                    && (!key.contains("inFlight=") || key.contains("_inFlight=1_"))
                    && (metric.startsWith("score") || metric.startsWith("p99 "));
        }
    }

    private final double thresholdPercent;
    private final double noiseLimitPercent;
    private final List<String> metrics;

    public Comparison(double thresholdPercent, double noiseLimitPercent, List<String> metrics) {
        this.thresholdPercent = thresholdPercent;
        this.noiseLimitPercent = noiseLimitPercent;
        this.metrics = metrics;
    }

    /** One side's values of a metric: per run, its per-iteration values. */
    private record Series(boolean higherIsBetter, List<double[]> runs) {
        double[] samples() {
            if (runs.size() >= 3) {
                return runs.stream().mapToDouble(Stats::median).toArray();
            }
            return runs.stream().flatMapToDouble(Arrays::stream).toArray();
        }
    }

    public List<Line> compare(List<Path> baselineRuns, List<Path> currentRuns) {
        Map<String, Map<String, Series>> base = collect(baselineRuns);
        Map<String, Map<String, Series>> cur = collect(currentRuns);
        List<Line> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Series>> e : base.entrySet()) {
            for (Map.Entry<String, Series> m : e.getValue().entrySet()) {
                Series b = m.getValue();
                Series c = cur.getOrDefault(e.getKey(), Map.of()).get(m.getKey());
                if (c == null) {
                    out.add(new Line(e.getKey(), m.getKey(), Stats.median(b.samples()), Double.NaN, Double.NaN, Double.NaN,
                            Double.NaN, b.higherIsBetter(), Verdict.MISSING, "not in the current run"));
                } else {
                    out.add(judge(e.getKey(), m.getKey(), b, c));
                }
            }
        }
        return out;
    }

    private Line judge(String key, String metric, Series bs, Series cs) {
        double[] b = bs.samples();
        double[] c = cs.samples();
        boolean higher = bs.higherIsBetter();
        Stats.Ratio r = Stats.ratio(b, c);
        double mb = Stats.median(b);
        double mc = Stats.median(c);
        double change = 100.0 * (r.ratio() - 1);
        double lo = 100.0 * (r.low() - 1);
        double hi = 100.0 * (r.high() - 1);
        if (Double.isNaN(r.low())) {
            return new Line(key, metric, mb, mc, change, lo, hi, higher, Verdict.CANNOT_JUDGE,
                    String.format(Locale.ROOT, "%d/%d samples; need %d per side", b.length, c.length, Stats.MIN_SAMPLES));
        }
        double halfWidth = (hi - lo) / 2;
        String interval = String.format(Locale.ROOT, "95%% CI %+.1f%%…%+.1f%%, n=%d/%d", lo, hi, b.length, c.length);
        if (halfWidth > noiseLimitPercent) {
            return new Line(key, metric, mb, mc, change, lo, hi, higher, Verdict.CANNOT_JUDGE,
                    interval + String.format(Locale.ROOT, "; half-width %.1f%% above the %.0f%% noise limit", halfWidth, noiseLimitPercent));
        }
        // The whole interval must lie beyond the threshold on one side: a change the data shows to be larger than
        // the threshold, not merely different from zero (iteration intervals leave out run-to-run drift).
        boolean wholeIntervalWorse = higher ? hi < -thresholdPercent : lo > thresholdPercent;
        boolean wholeIntervalBetter = higher ? lo > thresholdPercent : hi < -thresholdPercent;
        if (wholeIntervalWorse) {
            return new Line(key, metric, mb, mc, change, lo, hi, higher, Verdict.REGRESSION, interval);
        }
        if (wholeIntervalBetter) {
            return new Line(key, metric, mb, mc, change, lo, hi, higher, Verdict.IMPROVED, interval);
        }
        return new Line(key, metric, mb, mc, change, lo, hi, higher, Verdict.OK, interval);
    }

    /** Per benchmark key, per metric ({@code score (ops/s)}, {@code p99 (us)}…), one series per run. */
    private Map<String, Map<String, Series>> collect(List<Path> runs) {
        Map<String, Map<String, Series>> out = new LinkedHashMap<>();
        for (Path run : runs) {
            for (BenchRecord r : BenchRecord.read(BenchRecord.jmhFile(run))) {
                Map<String, Series> m = out.computeIfAbsent(r.key(), k -> new LinkedHashMap<>());
                if (metrics.contains("score")) {
                    m.computeIfAbsent("score (" + r.primary().unit() + ")", k -> new Series(r.higherIsBetter(), new ArrayList<>()))
                            .runs().add(r.primary().raw());
                }
                for (String name : metrics) {
                    BenchRecord.Metric sm = r.secondary().get(name);
                    if (!name.equals("score") && sm != null) {
                        m.computeIfAbsent(name + " (" + sm.unit() + ")", k -> new Series(false, new ArrayList<>())).runs().add(sm.raw());
                    }
                }
            }
        }
        return out;
    }

    /**
     * The median time of the fixed canary loop over every iteration of the given runs (µs), NaN when not recorded:
     * how fast the machine itself was. A different canary on the two sides means the machine changed speed between
     * them, which moves every figure whatever the code did.
     */
    public static double canaryMicros(List<Path> runs) {
        List<Double> all = new ArrayList<>();
        for (Path run : runs) {
            for (BenchRecord r : BenchRecord.read(BenchRecord.jmhFile(run))) {
                BenchRecord.Metric m = r.secondary().get("noise.canaryUs");
                if (m != null) {
                    for (double v : m.raw()) {
                        all.add(v);
                    }
                }
            }
        }
        return Stats.median(all.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static List<String> defaultMetrics() {
        return Arrays.asList("score", "p50", "p99");
    }
}
