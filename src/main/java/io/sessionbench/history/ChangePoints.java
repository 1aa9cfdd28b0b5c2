package io.sessionbench.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Change points of one series of run values, as Apache Otava (formerly Hunter, MongoDB's CI) finds them: E-divisive
 * means (Matteson &amp; James 2014, energy statistic with exponent 1) proposes the split that best separates the
 * series, Student's t (Welch) on the two sides decides whether it is real (p below {@code pMax}, and the means differ by
 * at least {@code minRelative}), and each side is searched again. Runs are the unit: each value is one run's.
 */
public final class ChangePoints {
    /** The fewest runs on each side of a change point. */
    public static final int MIN_SIDE = 3;

    /** A change point: the first run after it ({@code index}), the means before and after, the relative change, p. */
    public record Point(int index, double before, double after, double relative, double p) {
    }

    private ChangePoints() {
    }

    /** Change points of {@code x}, in series order. */
    public static List<Point> find(double[] x, double pMax, double minRelative) {
        List<Point> out = new ArrayList<>();
        split(x, 0, x.length, pMax, minRelative, out);
        out.sort(Comparator.comparingInt(Point::index));
        return out;
    }

    private static void split(double[] x, int from, int to, double pMax, double minRelative, List<Point> out) {
        int n = to - from;
        if (n < 2 * MIN_SIDE) {
            return;
        }
        int best = -1;
        double bestQ = Double.NEGATIVE_INFINITY;
        for (int tau = from + MIN_SIDE; tau <= to - MIN_SIDE; tau++) {
            double q = energy(x, from, tau, to);
            if (q > bestQ) {
                bestQ = q;
                best = tau;
            }
        }
        if (best < 0) {
            return;
        }
        double[] left = java.util.Arrays.copyOfRange(x, from, best);
        double[] right = java.util.Arrays.copyOfRange(x, best, to);
        double ml = mean(left);
        double mr = mean(right);
        double p = welchP(left, right);
        double relative = ml == 0 ? Double.NaN : mr / ml - 1;
        if (p < pMax && Math.abs(relative) >= minRelative) {
            out.add(new Point(best, ml, mr, relative, p));
            split(x, from, best, pMax, minRelative, out);
            split(x, best, to, pMax, minRelative, out);
        }
    }

    /** The energy statistic of splitting [from, to) at tau: how much further apart the sides are than each within itself. */
    static double energy(double[] x, int from, int tau, int to) {
        int m = tau - from;
        int k = to - tau;
        double between = 0;
        for (int i = from; i < tau; i++) {
            for (int j = tau; j < to; j++) {
                between += Math.abs(x[i] - x[j]);
            }
        }
        double withinL = 0;
        for (int i = from; i < tau; i++) {
            for (int j = i + 1; j < tau; j++) {
                withinL += Math.abs(x[i] - x[j]);
            }
        }
        double withinR = 0;
        for (int i = tau; i < to; i++) {
            for (int j = i + 1; j < to; j++) {
                withinR += Math.abs(x[i] - x[j]);
            }
        }
        double e = 2 * between / ((double) m * k) - withinL / (m * (m - 1) / 2.0) - withinR / (k * (k - 1) / 2.0);
        return (double) m * k / (m + k) * e;
    }

    /** Two-sided p of Welch's t between {@code a} and {@code b}; 1 when neither varies and the means are equal. */
    static double welchP(double[] a, double[] b) {
        double va = variance(a) / a.length;
        double vb = variance(b) / b.length;
        double diff = mean(b) - mean(a);
        if (va + vb == 0) {
            return diff == 0 ? 1 : 0;
        }
        double t = diff / Math.sqrt(va + vb);
        double df = Math.pow(va + vb, 2) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        return 2 * (1 - new TDistribution(Math.max(1, df)).cumulativeProbability(Math.abs(t)));
    }

    static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    static double variance(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double d : v) {
            s += (d - m) * (d - m);
        }
        return v.length > 1 ? s / (v.length - 1) : 0;
    }
}
