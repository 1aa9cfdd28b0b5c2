package io.sessionbench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;

/**
 * Between-fork noise borrowed across the benchmarks of one run (empirical Bayes, as limma's moderated t: Smyth 2004,
 * "Linear models and empirical Bayes methods for assessing differential expression", SAGMB 3(1)). Each benchmark's
 * variance of its forks' log values s² on d = forks − 1 degrees of freedom is taken as a draw of s0²·χ²_{d0}/d0 scaled;
 * the prior (s0², d0) is fitted to all benchmarks of a group by the method of moments on log s², and a benchmark's
 * moderated variance is s̃² = (d0·s0² + d·s²)/(d0 + d) on d0 + d degrees of freedom. Three forks then judge with tens
 * of degrees of freedom where the group's benchmarks are alike, and with their own few where they are not (d0 small).
 * A group with fewer than {@link #MIN_MEMBERS} benchmarks of two or more forks borrows nothing.
 */
public record NoisePrior(String group, double s0Squared, double d0, int members) {
    /** The fewest benchmarks a prior is fitted to. */
    public static final int MIN_MEMBERS = 4;
    /** A prior worth more than this many degrees of freedom is capped there (a fit of a few benchmarks is not exact). */
    public static final double MAX_D0 = 60;

    /** No borrowing: each benchmark judged on its own forks. */
    public static NoisePrior none(String group) {
        return new NoisePrior(group, Double.NaN, 0, 0);
    }

    public boolean borrows() {
        return d0 > 0 && !Double.isNaN(s0Squared);
    }

    /**
     * Fits the prior to each benchmark's fork log values ({@code forkLogs}, one array per benchmark; those with fewer
     * than two forks are left out).
     */
    public static NoisePrior fit(String group, List<double[]> forkLogs) {
        List<double[]> usable = forkLogs.stream().filter(v -> v.length >= 2).toList();
        if (usable.size() < MIN_MEMBERS) {
            return none(group);
        }
        List<Double> e = new ArrayList<>();
        double trigammaMean = 0;
        for (double[] v : usable) {
            double d = v.length - 1;
            double s2 = variance(v);
            if (!(s2 > 0)) {
                continue; // identical forks: no log; leave it out of the fit
            }
            e.add(Math.log(s2) - Gamma.digamma(d / 2) + Math.log(d / 2));
            trigammaMean += Gamma.trigamma(d / 2);
        }
        if (e.size() < MIN_MEMBERS) {
            return none(group);
        }
        trigammaMean /= e.size();
        double mean = e.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double var = 0;
        for (double x : e) {
            var += (x - mean) * (x - mean);
        }
        var /= e.size() - 1;
        double excess = var - trigammaMean;
        double d0 = excess <= 0 ? MAX_D0 : Math.min(MAX_D0, 2 * trigammaInverse(excess));
        double s0Squared = Math.exp(mean + Gamma.digamma(d0 / 2) - Math.log(d0 / 2));
        return new NoisePrior(group, s0Squared, d0, e.size());
    }

    /** The moderated variance of one benchmark's fork logs and its degrees of freedom: {s̃², d0 + d}. */
    public double[] moderate(double[] forkLogs) {
        int n = forkLogs.length;
        double d = n - 1;
        double s2 = n >= 2 ? variance(forkLogs) : 0;
        if (!borrows()) {
            return new double[] {s2, d};
        }
        return new double[] {(d0 * s0Squared + d * s2) / (d0 + d), d0 + d};
    }

    /** {@code pooled from 3 forks + a prior of 14 redis benchmarks (worth 23 forks)}, or {@code its own 3 forks}. */
    public String describe(int forks) {
        return borrows() ? String.format(Locale.ROOT, "%d forks + prior of %d %s benchmarks (d0 %.0f)", forks, members, group, d0)
                : forks + " forks, own variance";
    }

    /**
     * The priors of one run (or one study's halves), each benchmark judged with the prior of its server and client
     * ({@code redis/jedis}); where fewer than {@link #MIN_MEMBERS} benchmarks share those (Jedis and Redisson run only
     * {@code request} at 2 KB), with the prior of its server across clients ({@code redis}), whose looser fit shows in
     * a smaller d0; else its own forks alone.
     */
    public static final class Table {
        private final Map<String, NoisePrior> fitted = new java.util.HashMap<>();

        /** Fits the priors to each record's fork log values. */
        public static Table fit(List<Map.Entry<BenchRecord, double[]>> forkLogs) {
            Map<String, List<double[]>> groups = new java.util.TreeMap<>();
            for (Map.Entry<BenchRecord, double[]> e : forkLogs) {
                groups.computeIfAbsent(group(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
                if (!server(e.getKey()).equals(group(e.getKey()))) {
                    groups.computeIfAbsent(server(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
                }
            }
            Table t = new Table();
            groups.forEach((g, v) -> t.fitted.put(g, NoisePrior.fit(g, v)));
            return t;
        }

        /** The prior {@code record} is judged with. */
        public NoisePrior of(BenchRecord record) {
            NoisePrior narrow = fitted.get(group(record));
            if (narrow != null && narrow.borrows()) {
                return narrow;
            }
            NoisePrior wide = fitted.get(server(record));
            return wide != null && wide.borrows() ? wide : none(group(record));
        }
    }

    /** The server a record's noise is pooled with first: its layout's server and, for Redis, its client. */
    static String group(BenchRecord record) {
        io.sessionbench.store.Target t = record.store();
        // the Redis clients differ in noise as much as the servers do (results/2026-12-02_dimension: fork CV 4–34 %)
        return t.layout().usesRedisClient() && t.client() != null ? server(record) + "/" + t.client().label() : server(record);
    }

    /** Its layout's server ({@code redis}, {@code postgres}…), or {@code in-process}. */
    static String server(BenchRecord record) {
        return record.store().layout().server().map(v -> v.name().toLowerCase(Locale.ROOT)).orElse("in-process");
    }

    static double variance(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return ss / (v.length - 1);
    }

    /** The x with trigamma(x) = y (Newton's method, as limma's trigammaInverse). */
    static double trigammaInverse(double y) {
        if (y > 1e7) {
            return 1 / Math.sqrt(y);
        }
        if (y < 1e-6) {
            return 1 / y;
        }
        double x = 0.5 + 1 / y;
        for (int i = 0; i < 50; i++) {
            double tri = Gamma.trigamma(x);
            double dif = tri * (1 - tri / y) / tetragamma(x);
            x += dif;
            if (-dif / x < 1e-8) {
                break;
            }
        }
        return x;
    }

    /** psi''(x), by a central difference of trigamma (commons-math has no tetragamma). */
    private static double tetragamma(double x) {
        double h = 1e-5 * Math.max(1, x);
        return (Gamma.trigamma(x + h) - Gamma.trigamma(x - h)) / (2 * h);
    }
}
