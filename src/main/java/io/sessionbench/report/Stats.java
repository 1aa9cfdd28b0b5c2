package io.sessionbench.report;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Dispersion that fits a handful of samples (per-iteration values of one run, or per-run values): the median, a
 * percentile-bootstrap 95 % interval of the median and the coefficient of variation, for describing one row. Judging
 * a difference is {@link Judge}'s. No normality is assumed; with fewer than 3 samples no interval is given.
 * The resampling uses a fixed seed, so the same samples always give the same interval.
 */
public final class Stats {
    static final int RESAMPLES = 4000;
    static final int MIN_SAMPLES = 3;

    private Stats() {
    }

    /** Median, its 95 % bootstrap interval (NaN when fewer than 3 samples), coefficient of variation in percent. */
    public record Summary(int n, double median, double low, double high, double cvPercent) {
        public boolean hasInterval() {
            return !Double.isNaN(low);
        }

        /** Half the interval's width relative to the median, in percent (NaN without an interval). */
        public double halfWidthPercent() {
            return hasInterval() ? 50.0 * (high - low) / Math.abs(median) : Double.NaN;
        }
    }

    /** Coefficient of variation in percent, with the sample standard deviation (n − 1); NaN for fewer than 2 values. */
    public static double cvPercent(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
        return 100.0 * Math.sqrt(var) / Math.abs(mean);
    }

    public static Summary summary(double[] samples) {
        double[] v = clean(samples);
        if (v.length == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double median = median(v);
        double cv = cvPercent(v);
        if (v.length < MIN_SAMPLES) {
            return new Summary(v.length, median, Double.NaN, Double.NaN, cv);
        }
        SplittableRandom r = new SplittableRandom(42);
        double[] medians = new double[RESAMPLES];
        double[] buf = new double[v.length];
        for (int b = 0; b < RESAMPLES; b++) {
            medians[b] = median(resample(v, buf, r));
        }
        Arrays.sort(medians);
        return new Summary(v.length, median, percentile(medians, 2.5), percentile(medians, 97.5), cv);
    }

    private static double[] resample(double[] v, double[] buf, SplittableRandom r) {
        for (int i = 0; i < v.length; i++) {
            buf[i] = v[r.nextInt(v.length)];
        }
        return buf;
    }

    private static double[] clean(double[] v) {
        return v == null ? new double[0] : Arrays.stream(v).filter(x -> !Double.isNaN(x)).toArray();
    }

    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Linear-interpolated percentile of unsorted values; NaN when there are none. */
    public static double percentileOf(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return percentile(v, p);
    }

    /** Linear-interpolated percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        double pos = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
