package io.sessionbench.gate;

import static io.sessionbench.text.MarkdownTable.cell;

import io.sessionbench.report.BenchRecord;
import io.sessionbench.report.Stats;
import io.sessionbench.text.MarkdownTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * A dimensioning experiment (Kalibera &amp; Jones, "Rigorous benchmarking in reasonable time", ISMM 2013): runs of
 * forks of iterations of the same benchmark, from which the variance at each level (run, fork, iteration), the drift
 * inside a fork, the iteration from which throughput is steady, and the repetition counts that spend a budget where
 * the variance is: iterations per fork r = sqrt(c_fork / c_iteration × T²_iteration / T²_fork), then forks for a
 * stated precision, and the gate's pairs for a stated slowdown. Variances are of log values (a CV for small spreads).
 */
public final class Dimension {
    /** One fork's iteration values, with what disturbed each. */
    public record Fork(double[] values, List<List<String>> disturbed) {
    }

    /** Every run of one benchmark under one condition (a placement, JVM option…). */
    public record Series(String condition, String benchmark, List<List<Fork>> runs) {
    }

    /**
     * What the data say about one series.
     *
     * @param steadyFrom      first steady iteration (1-based)
     * @param cvIteration     CV within a fork, steady iterations (percent)
     * @param cvFork          CV between forks of a run beyond what iterations explain (percent)
     * @param cvRun           CV between runs beyond what forks explain (percent; NaN with one run)
     * @param drift           second half of a fork against the first, median over forks (percent)
     * @param lag1            mean lag-1 autocorrelation of steady iterations (independent data: about −1/n)
     * @param disturbedShare  share of iterations the noise probe marked disturbed from outside (steal, other processes)
     * @param iterationsPerFork  the iterations per fork the variances call for
     * @param forksFor5       forks for a 95 % interval of ±5 % on a mean
     * @param gatePairsFor15  gate rounds to catch a 15 % slowdown with 80 % power (one metric, 2.5 % one-sided)
     */
    public record Result(Series series, int forks, int iterations, int steadyFrom, double cvIteration, double cvFork,
                         double cvRun, double drift, double lag1, double disturbedShare, int iterationsPerFork, int forksFor5,
                         int gatePairsFor15, double median) {
    }

    private Dimension() {
    }

    private static final Pattern RUN = Pattern.compile("(.*)_run(\\d+)\\.json");

    /** Series from JMH JSON files named {@code <condition>_run<N>.json} (any other name is a condition of one run). */
    public static List<Series> fromJmh(List<Path> files) {
        Map<String, Map<String, List<List<Fork>>>> byCondition = new LinkedHashMap<>();
        for (Path f : files.stream().sorted().toList()) {
            Matcher m = RUN.matcher(f.getFileName().toString());
            String condition = m.matches() ? m.group(1) : f.getFileName().toString().replaceFirst("\\.json$", "");
            for (BenchRecord r : BenchRecord.read(f)) {
                List<List<List<String>>> disturbed = r.disturbedPerFork();
                List<Fork> forks = new ArrayList<>();
                for (int i = 0; i < r.primary().forks().size(); i++) {
                    forks.add(new Fork(r.primary().forks().get(i), i < disturbed.size() ? disturbed.get(i) : List.of()));
                }
                byCondition.computeIfAbsent(condition, k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.shortName(), k -> new ArrayList<>()).add(forks);
            }
        }
        return flatten(byCondition);
    }

    /** Series from a {@code dimension} run's trials: each round is a run, each trial a fork. */
    public static List<Series> fromTrials(List<Trial> trials, String condition) {
        Map<String, Map<Integer, List<Fork>>> byBenchmark = new LinkedHashMap<>();
        for (Trial t : trials) {
            byBenchmark.computeIfAbsent(t.benchmark(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(t.round(), k -> new ArrayList<>()).add(new Fork(t.ok(), t.disturbed()));
        }
        Map<String, Map<String, List<List<Fork>>>> one = new LinkedHashMap<>();
        Map<String, List<List<Fork>>> m = new LinkedHashMap<>();
        byBenchmark.forEach((b, runs) -> m.put(b, new ArrayList<>(runs.values())));
        one.put(condition, m);
        return flatten(one);
    }

    private static List<Series> flatten(Map<String, Map<String, List<List<Fork>>>> byCondition) {
        List<Series> out = new ArrayList<>();
        byCondition.forEach((c, benches) -> benches.forEach((b, runs) -> out.add(new Series(c, b, runs))));
        return out;
    }

    /** Analyses one series; {@code forkSeconds} is a fork's fixed cost (JVM start, setup), {@code iterationSeconds} an iteration's. */
    public static Result analyse(Series s, double forkSeconds, double iterationSeconds) {
        List<Fork> all = s.runs().stream().flatMap(List::stream).toList();
        int n = all.stream().mapToInt(f -> f.values().length).min().orElse(0);
        int steady = steadyFrom(all, n);
        int disturbedCount = 0;
        int total = 0;
        List<List<double[]>> logs = new ArrayList<>();
        for (List<Fork> run : s.runs()) {
            List<double[]> forks = new ArrayList<>();
            for (Fork f : run) {
                List<Double> kept = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    boolean bad = i < f.disturbed().size() && io.sessionbench.report.Judge.fromOutside(f.disturbed().get(i));
                    disturbedCount += bad ? 1 : 0;
                    total++;
                    if (i >= steady && !bad && f.values()[i] > 0) {
                        kept.add(Math.log(f.values()[i]));
                    }
                }
                if (kept.size() >= 2) {
                    forks.add(kept.stream().mapToDouble(Double::doubleValue).toArray());
                }
            }
            if (!forks.isEmpty()) {
                logs.add(forks);
            }
        }
        double s1 = mean(logs.stream().flatMap(List::stream).mapToDouble(Dimension::variance).toArray());
        double perFork = mean(logs.stream().flatMap(List::stream).mapToDouble(a -> a.length).toArray());
        double s2 = mean(logs.stream().filter(r -> r.size() > 1)
                .mapToDouble(r -> variance(r.stream().mapToDouble(Dimension::mean).toArray())).toArray());
        double t2 = Math.max(0, s2 - s1 / perFork);
        double forksPerRun = mean(logs.stream().mapToDouble(List::size).toArray());
        double t3 = Double.NaN;
        if (logs.size() > 1) {
            double[] runMeans = logs.stream().mapToDouble(r -> mean(r.stream().mapToDouble(Dimension::mean).toArray())).toArray();
            t3 = Math.max(0, variance(runMeans) - s2 / forksPerRun);
        }
        int r1 = t2 <= 0 ? 20 : (int) Math.max(1, Math.min(60, Math.ceil(Math.sqrt(forkSeconds / iterationSeconds * s1 / t2))));
        double forkVar = t2 + s1 / r1;
        double z95 = 1.96;
        int forksFor5 = (int) Math.ceil(Math.pow(z95 * Math.sqrt(forkVar) / Math.log(1.05), 2));
        NormalDistribution z = new NormalDistribution();
        double zz = z.inverseCumulativeProbability(0.975) + z.inverseCumulativeProbability(0.80);
        int pairs = (int) Math.ceil(Math.pow(zz * Math.sqrt(2 * forkVar) / Math.log(1.15), 2));
        double[] medians = all.stream().mapToDouble(f -> Stats.median(Arrays.copyOfRange(f.values(), steady, n))).toArray();
        return new Result(s, all.size(), n, steady + 1, 100 * Math.sqrt(s1), 100 * Math.sqrt(t2),
                Double.isNaN(t3) ? Double.NaN : 100 * Math.sqrt(t3), 100 * drift(all, n), lag1(logs),
                total == 0 ? 0 : (double) disturbedCount / total, r1, Math.max(2, forksFor5), Math.max(2, pairs), Stats.median(medians));
    }

    /**
     * First iteration (0-based) from which throughput has no trend: the least-squares slope of log throughput against
     * the iteration (each fork centred on its own mean) over the remaining iterations moves them by less than 2 % in
     * all, or by less than twice its own standard error. At least 3 iterations stay.
     */
    static int steadyFrom(List<Fork> forks, int n) {
        for (int k = 0; k < n - 3; k++) {
            double sxx = 0;
            double sxy = 0;
            double sse = 0;
            int points = 0;
            double xm = (k + n - 1) / 2.0;
            List<double[]> centred = new ArrayList<>();
            for (Fork f : forks) {
                double[] y = new double[n - k];
                double m = 0;
                for (int i = k; i < n; i++) {
                    y[i - k] = Math.log(Math.max(1e-9, f.values()[i]));
                    m += y[i - k];
                }
                m /= y.length;
                for (int i = 0; i < y.length; i++) {
                    y[i] -= m;
                }
                centred.add(y);
            }
            for (double[] y : centred) {
                for (int i = 0; i < y.length; i++) {
                    double x = k + i - xm;
                    sxx += x * x;
                    sxy += x * y[i];
                    points++;
                }
            }
            double slope = sxy / sxx;
            for (double[] y : centred) {
                for (int i = 0; i < y.length; i++) {
                    double e = y[i] - slope * (k + i - xm);
                    sse += e * e;
                }
            }
            double se = Math.sqrt(sse / Math.max(1, points - forks.size() - 1) / sxx);
            double moves = Math.abs(slope) * (n - 1 - k);
            if (moves < 0.02 || Math.abs(slope) < 2 * se) {
                return k;
            }
        }
        return n - 3;
    }

    private static double drift(List<Fork> forks, int n) {
        double[] d = forks.stream().mapToDouble(f -> Stats.median(Arrays.copyOfRange(f.values(), n / 2, n))
                / Stats.median(Arrays.copyOfRange(f.values(), 0, n / 2)) - 1).toArray();
        return Stats.median(d);
    }

    private static double lag1(List<List<double[]>> logs) {
        List<Double> r = new ArrayList<>();
        for (List<double[]> run : logs) {
            for (double[] f : run) {
                if (f.length < 3) {
                    continue;
                }
                double m = mean(f);
                double num = 0;
                double den = 0;
                for (int i = 0; i < f.length; i++) {
                    den += (f[i] - m) * (f[i] - m);
                    if (i > 0) {
                        num += (f[i] - m) * (f[i - 1] - m);
                    }
                }
                if (den > 0) {
                    r.add(num / den);
                }
            }
        }
        return r.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double mean(double[] v) {
        return Arrays.stream(v).filter(x -> !Double.isNaN(x)).average().orElse(Double.NaN);
    }

    static double variance(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        return Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1);
    }

    /** The results as a Markdown table, one row per condition and benchmark. */
    public static String table(List<Result> results) {
        MarkdownTable t = new MarkdownTable().text("condition").text("benchmark").number("forks × iterations").number("median ok/s")
                .number("steady from iteration").number("CV iteration").number("CV fork").number("CV run").number("2nd half vs 1st")
                .number("lag-1").number("disturbed from outside").number("iterations per fork").number("forks for ±5 %")
                .number("gate rounds for 15 %");
        for (Result r : results) {
            t.row(r.series().condition(), r.series().benchmark(), r.forks() + " × " + r.iterations(), cell("%,.0f", r.median()), r.steadyFrom(),
                    cell("%.1f %%", r.cvIteration()), cell("%.1f %%", r.cvFork()), Double.isNaN(r.cvRun()) ? "–" : cell("%.1f %%", r.cvRun()),
                    cell("%+.1f %%", r.drift()), cell("%+.2f", r.lag1()), cell("%.0f %%", 100 * r.disturbedShare()), r.iterationsPerFork(),
                    r.forksFor5(), r.gatePairsFor15());
        }
        return t.toString();
    }
}
