package io.sessionbench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares runs the way Redis' performance CI does: the median of each side per metric, a regression when the
 * current side is worse by more than the threshold and outside both sides' noise, and "unstable" instead of a verdict
 * when a side varies too much (coefficient of variation across runs, or JMH's error within a single run).
 */
public final class Comparison {
    public enum Verdict { OK, IMPROVED, REGRESSION, UNSTABLE, MISSING }

    public record Line(String key, String metric, double baseline, double current, double changePercent,
                       boolean higherIsBetter, Verdict verdict, String note) {
    }

    private final double thresholdPercent;
    private final double unstablePercent;
    private final List<String> metrics;

    public Comparison(double thresholdPercent, double unstablePercent, List<String> metrics) {
        this.thresholdPercent = thresholdPercent;
        this.unstablePercent = unstablePercent;
        this.metrics = metrics;
    }

    /** A side's value of one metric in one run: the score and its relative error (NaN when unknown). */
    private record Sample(double value, double relError) {
    }

    public List<Line> compare(List<Path> baselineRuns, List<Path> currentRuns) {
        Map<String, Map<String, List<Sample>>> base = collect(baselineRuns);
        Map<String, Map<String, List<Sample>>> cur = collect(currentRuns);
        List<Line> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Sample>>> e : base.entrySet()) {
            for (Map.Entry<String, List<Sample>> m : e.getValue().entrySet()) {
                List<Sample> c = cur.getOrDefault(e.getKey(), Map.of()).get(m.getKey());
                boolean higher = m.getKey().startsWith("+");
                String metric = m.getKey().substring(1);
                if (c == null) {
                    out.add(new Line(e.getKey(), metric, median(m.getValue()), Double.NaN, Double.NaN, higher,
                            Verdict.MISSING, "not in the current run"));
                    continue;
                }
                out.add(judge(e.getKey(), metric, m.getValue(), c, higher));
            }
        }
        return out;
    }

    private Line judge(String key, String metric, List<Sample> b, List<Sample> c, boolean higher) {
        double mb = median(b);
        double mc = median(c);
        double change = 100.0 * (mc - mb) / mb;
        double worse = higher ? -change : change;
        double noiseB = noisePercent(b, mb);
        double noiseC = noisePercent(c, mc);
        if (noiseB > unstablePercent || noiseC > unstablePercent) {
            return new Line(key, metric, mb, mc, change, higher, Verdict.UNSTABLE,
                    String.format(Locale.ROOT, "noise %.1f%% / %.1f%% above %.0f%%", noiseB, noiseC, unstablePercent));
        }
        double band = Math.max(thresholdPercent, Double.isNaN(noiseB + noiseC) ? 0 : noiseB + noiseC);
        String note = String.format(Locale.ROOT, "noise band %.1f%%", band);
        if (worse > band) {
            return new Line(key, metric, mb, mc, change, higher, Verdict.REGRESSION, note);
        }
        if (-worse > band) {
            return new Line(key, metric, mb, mc, change, higher, Verdict.IMPROVED, note);
        }
        return new Line(key, metric, mb, mc, change, higher, Verdict.OK, note);
    }

    /** Across several runs, the coefficient of variation; within one run, JMH's relative error. */
    private static double noisePercent(List<Sample> s, double median) {
        if (s.size() > 1) {
            double mean = s.stream().mapToDouble(Sample::value).average().orElse(median);
            double var = s.stream().mapToDouble(x -> (x.value - mean) * (x.value - mean)).sum() / (s.size() - 1);
            return 100.0 * Math.sqrt(var) / median;
        }
        return 100.0 * s.get(0).relError;
    }

    private static double median(List<Sample> s) {
        double[] v = s.stream().mapToDouble(Sample::value).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Per benchmark key, per metric (prefixed {@code +} when higher is better, {@code -} when lower is), one sample per run. */
    private Map<String, Map<String, List<Sample>>> collect(List<Path> runs) {
        Map<String, Map<String, List<Sample>>> out = new LinkedHashMap<>();
        for (Path run : runs) {
            for (BenchRecord r : BenchRecord.read(BenchRecord.jmhFile(run))) {
                Map<String, List<Sample>> m = out.computeIfAbsent(r.key(), k -> new LinkedHashMap<>());
                if (metrics.contains("score")) {
                    m.computeIfAbsent((r.higherIsBetter() ? "+" : "-") + "score (" + r.primary().unit() + ")", k -> new ArrayList<>())
                            .add(new Sample(r.primary().score(), r.primary().error() / r.primary().score()));
                }
                for (String name : metrics) {
                    BenchRecord.Metric sm = r.secondary().get(name);
                    if (!name.equals("score") && sm != null) {
                        m.computeIfAbsent("-" + name + " (" + sm.unit() + ")", k -> new ArrayList<>())
                                .add(new Sample(sm.score(), sm.error() / sm.score()));
                    }
                }
            }
        }
        return out;
    }

    public static List<String> defaultMetrics() {
        return Arrays.asList("score", "p50", "p99");
    }
}
