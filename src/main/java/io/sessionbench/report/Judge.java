package io.sessionbench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * How a difference is judged, once, for {@code gate}, {@code compare} and the bench verdict (DESIGN.md "How a
 * difference is judged"). Data are hierarchical ({@link Sample}: runs of forks of iterations); a fork's value is the
 * median of its iterations and a side's value the geometric mean of its forks (or runs), so the unit of repetition is
 * the fork, never an iteration. The standard error of the log ratio comes from a hierarchical bootstrap (resample the
 * top level, then each level inside it), corrected for the bootstrap's small-sample bias (n/(n−1)), and the interval
 * uses Student's t with the top level's degrees of freedom, since 3–20 forks are too few for percentile intervals.
 * The one-sided error rate {@code familyAlpha} is shared by every metric judged together (Bonferroni), so a gate of
 * eight metrics does not raise eight times the false alarms of one.
 */
public final class Judge {
    /** What a judgement says. */
    public enum Verdict {
        /** The interval lies wholly on the slower side and the estimate is at least the minimum change. */
        SLOWER("slower"),
        FASTER("faster"),
        /** The whole interval lies within ±threshold. */
        NO_CHANGE("no change"),
        /** Neither: the data cannot tell a change of the threshold's size from none. */
        INCONCLUSIVE("inconclusive"),
        /** Most forks were disturbed (steal, other processes, JIT, GC): nothing is judged. */
        DISTURBED("disturbed");

        private final String words;

        Verdict(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** The slowdown a judgement must be able to catch, and the half-width of "no change" (percent). */
    public static final double DEFAULT_THRESHOLD_PERCENT = 15;
    /** Smaller slowdowns are not called SLOWER even when real (as the Redis and Valkey gates' 5 %). */
    public static final double DEFAULT_MIN_CHANGE_PERCENT = 5;
    /** Exit code of a judgement not resolved to its threshold. */
    public static final int CANNOT_JUDGE = 3;
    /** Power at which the resolution is stated. */
    public static final double POWER = 0.80;
    static final int RESAMPLES = 2000;

    /**
     * @param thresholdPercent the slowdown that must be caught (resolution above it: cannot judge) and the half-width of
     *                         "no change"
     * @param minChangePercent smallest slowdown called SLOWER even when the data show it (practical significance)
     * @param familyAlpha      one-sided false-alarm rate shared by all metrics judged together
     * @param metrics          how many metrics share it
     */
    public record Rules(double thresholdPercent, double minChangePercent, double familyAlpha, int metrics) {
        public Rules {
            if (!(thresholdPercent > 0) || minChangePercent < 0 || !(familyAlpha > 0 && familyAlpha < 0.5) || metrics < 1) {
                throw new IllegalArgumentException("threshold > 0, minimum change ≥ 0, 0 < alpha < 0.5, metrics ≥ 1");
            }
        }

        public static Rules of(double thresholdPercent, double minChangePercent, int metrics) {
            return new Rules(thresholdPercent, minChangePercent, 0.05, metrics);
        }

        double alpha() {
            return familyAlpha / metrics;
        }

        /** Two-sided confidence of the printed interval, e.g. 0.95 for one metric at α = 0.025. */
        public double confidence() {
            return 1 - 2 * alpha();
        }

        double logThreshold() {
            return Math.log1p(thresholdPercent / 100);
        }

        public Rules forMetrics(int n) {
            return new Rules(thresholdPercent, minChangePercent, familyAlpha, Math.max(1, n));
        }
    }

    /**
     * One level of the data: a fork (its iteration values) or a group of lower levels (a run of forks, a side of
     * runs). Non-positive and NaN values are left out (a throughput of 0 has no logarithm; it is a failure, counted
     * elsewhere).
     */
    public record Sample(double[] iterations, List<Sample> children) {
        public static Sample fork(double[] iterations) {
            return new Sample(Arrays.stream(iterations).filter(v -> v > 0 && !Double.isNaN(v)).toArray(), List.of());
        }

        public static Sample of(List<Sample> children) {
            return new Sample(new double[0], children.stream().filter(Sample::usable).toList());
        }

        boolean leaf() {
            return children.isEmpty();
        }

        boolean usable() {
            return leaf() ? iterations.length > 0 : !children.isEmpty();
        }

        /** Top-level units (forks of a one-run side, runs of a many-run side). */
        public int units() {
            return leaf() ? (iterations.length > 0 ? 1 : 0) : children.size();
        }

        /** The log of this level's value: log median of a fork's iterations, the mean of the children's logs. */
        public double log() {
            if (leaf()) {
                return Math.log(Stats.median(iterations));
            }
            double s = 0;
            for (Sample c : children) {
                s += c.log();
            }
            return s / children.size();
        }

        double resampledLog(SplittableRandom r) {
            if (leaf()) {
                double[] buf = new double[iterations.length];
                for (int i = 0; i < buf.length; i++) {
                    buf[i] = iterations[r.nextInt(iterations.length)];
                }
                return Math.log(Stats.median(buf));
            }
            double s = 0;
            for (int i = 0; i < children.size(); i++) {
                s += children.get(r.nextInt(children.size())).resampledLog(r);
            }
            return s / children.size();
        }

        /** A fork's top-level view: a fork alone is one unit; a group's units are its children. */
        List<Sample> topUnits() {
            return leaf() ? List.of(this) : children;
        }

        public double value() {
            return Math.exp(log());
        }
    }

    /** A base trial and the head trial run next to it (the gate's unit). */
    public record Pair(Sample base, Sample head) {
        double logRatio() {
            return head.log() - base.log();
        }
    }

    /**
     * A judged change current/base of one metric.
     *
     * @param ratio         current / base (geometric means of the forks)
     * @param low           interval bounds of the ratio at {@link Rules#confidence()} (NaN: not enough units)
     * @param resolution    smallest slowdown (each call costing that many percent more) caught with 80 % power at the
     *                      noise measured, percent (NaN: not enough units)
     * @param units         top-level units per side (pairs, forks or runs)
     * @param unitsNeeded   units per side that would bring the resolution to the threshold at this noise
     */
    public record Change(double ratio, double low, double high, double confidence, double resolution, int units,
                         int unitsNeeded, boolean higherIsBetter, Verdict verdict, String note) {
        public double changePercent() {
            return 100 * (ratio - 1);
        }

        public boolean resolved(Rules rules) {
            return !Double.isNaN(resolution) && resolution <= rules.thresholdPercent();
        }

        /** {@code −4.1 % [−9.0 … +1.2] (95 %)}. */
        public String interval() {
            if (Double.isNaN(low)) {
                return String.format(Locale.ROOT, "%+.1f %% (no interval)", changePercent());
            }
            return String.format(Locale.ROOT, "%+.1f %% [%+.1f … %+.1f] (%s %%)", changePercent(), 100 * (low - 1),
                    100 * (high - 1), new java.text.DecimalFormat("0.#").format(100 * confidence));
        }

        public String resolutionText() {
            return Double.isNaN(resolution) ? "–" : String.format(Locale.ROOT, "%.1f %%", resolution);
        }
    }

    private Judge() {
    }

    /** Paired judgement (the gate): the mean of the pairs' log ratios head/base. */
    public static Change paired(List<Pair> pairs, boolean higherIsBetter, Rules rules) {
        List<Pair> ps = pairs.stream().filter(p -> p.base().usable() && p.head().usable()).toList();
        int n = ps.size();
        if (n == 0) {
            return none(higherIsBetter, "no usable pair");
        }
        double est = ps.stream().mapToDouble(Pair::logRatio).average().orElse(Double.NaN);
        if (n < 2) {
            return tooFew(est, n, higherIsBetter, "one pair: no verdict from one fork per side");
        }
        SplittableRandom r = new SplittableRandom(42);
        double[] boot = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                Pair p = ps.get(r.nextInt(n));
                s += p.head().resampledLog(r) - p.base().resampledLog(r);
            }
            boot[b] = s / n;
        }
        double se = sd(boot) * Math.sqrt(n / (n - 1.0));
        return judged(est, se, n - 1, n, higherIsBetter, rules);
    }

    /**
     * Paired judgement with the variance of the pairs' log ratios moderated toward a prior fitted to other benchmarks'
     * pairs ({@link NoisePrior}): s̃² = (d0·s0² + d·s²)/(d0 + d) on d0 + d degrees of freedom, so a benchmark with few
     * pairs borrows the noise of the others where they are alike (the gate's screen; its confirmation with the
     * screen's prior, fitted to other trials than those judged). With no prior this is Student's paired t.
     */
    public static Change pairedModerated(List<Pair> pairs, NoisePrior prior, boolean higherIsBetter, Rules rules) {
        double[] x = logRatios(pairs);
        int n = x.length;
        if (n == 0) {
            return none(higherIsBetter, "no usable pair");
        }
        double est = Arrays.stream(x).average().orElse(Double.NaN);
        if (n < 2) {
            return tooFew(est, n, higherIsBetter, "one pair: no verdict from one fork per side");
        }
        double[] m = prior.moderate(x);
        return judged(est, Math.sqrt(m[0] / n), Math.max(1, m[1]), n, higherIsBetter, rules);
    }

    /** The log ratios head/base of the usable pairs. */
    public static double[] logRatios(List<Pair> pairs) {
        return pairs.stream().filter(p -> p.base().usable() && p.head().usable()).mapToDouble(Pair::logRatio).toArray();
    }

    /** Unpaired judgement (compare, the bench verdict): each side's forks or runs resampled on their own. */
    public static Change unpaired(Sample base, Sample current, boolean higherIsBetter, Rules rules) {
        if (!base.usable() || !current.usable()) {
            return none(higherIsBetter, "a side has no values");
        }
        int nb = base.units();
        int nc = current.units();
        double est = current.log() - base.log();
        if (nb < 2 || nc < 2) {
            return tooFew(est, Math.min(nb, nc), higherIsBetter,
                    "one fork on a side: no verdict from one fork; give 2 forks or runs per side at least");
        }
        SplittableRandom r = new SplittableRandom(42);
        double vb = bootVariance(base, r) * nb / (nb - 1.0);
        double vc = bootVariance(current, r) * nc / (nc - 1.0);
        double se = Math.sqrt(vb + vc);
        // Welch–Satterthwaite degrees of freedom from the two sides' variances.
        double df = se == 0 ? nb + nc - 2 : Math.pow(vb + vc, 2) / (vb * vb / (nb - 1) + vc * vc / (nc - 1));
        return judged(est, se, Math.max(1, df), Math.min(nb, nc), higherIsBetter, rules);
    }

    /**
     * Unpaired judgement with the between-fork variance of each side moderated toward its group's prior
     * ({@link NoisePrior}): the fork log values' variance s² becomes (d0·s0² + d·s²)/(d0 + d) on d0 + d degrees of
     * freedom, and the two sides meet in Welch–Satterthwaite's degrees of freedom. With no prior (d0 = 0) this is
     * Welch's t on the forks' log values. Each side needs two forks: no verdict rests on one fork.
     */
    public static Change moderated(Sample base, Sample current, NoisePrior baseNoise, NoisePrior currentNoise,
                                   boolean higherIsBetter, Rules rules) {
        if (!base.usable() || !current.usable()) {
            return none(higherIsBetter, "a side has no values");
        }
        double[] lb = forkLogs(base);
        double[] lc = forkLogs(current);
        double est = current.log() - base.log();
        if (lb.length < 2 || lc.length < 2) {
            return tooFew(est, Math.min(lb.length, lc.length), higherIsBetter,
                    "one fork on a side: no verdict from one fork; give 2 forks or runs per side at least");
        }
        double[] mb = baseNoise.moderate(lb);
        double[] mc = currentNoise.moderate(lc);
        double vb = mb[0] / lb.length;
        double vc = mc[0] / lc.length;
        double se = Math.sqrt(vb + vc);
        double df = se == 0 ? mb[1] + mc[1] : Math.pow(vb + vc, 2) / (vb * vb / mb[1] + vc * vc / mc[1]);
        return judged(est, se, Math.max(1, df), Math.min(lb.length, lc.length), higherIsBetter, rules);
    }

    /** The log value of each top-level unit (fork) of a side. */
    public static double[] forkLogs(Sample s) {
        return s.topUnits().stream().filter(Sample::usable).mapToDouble(Sample::log).toArray();
    }

    private static double bootVariance(Sample s, SplittableRandom r) {
        double[] boot = new double[RESAMPLES];
        Sample top = s.leaf() ? Sample.of(List.of(s)) : s;
        for (int b = 0; b < RESAMPLES; b++) {
            boot[b] = top.resampledLog(r);
        }
        double sd = sd(boot);
        return sd * sd;
    }

    private static Change judged(double est, double se, double df, int n, boolean higherIsBetter, Rules rules) {
        TDistribution t = new TDistribution(df);
        double tq = t.inverseCumulativeProbability(1 - rules.alpha());
        double resLog = (tq + t.inverseCumulativeProbability(POWER)) * se;
        double lo = est - tq * se;
        double hi = est + tq * se;
        double resolution = 100 * Math.expm1(resLog);
        // Units that would bring the resolution to the threshold: the standard error shrinks as 1/sqrt(n); with that
        // many units t is close to normal, so the normal quantiles (not this sample's few-df t) scale it.
        org.apache.commons.math3.distribution.NormalDistribution z = new org.apache.commons.math3.distribution.NormalDistribution();
        double zRes = (z.inverseCumulativeProbability(1 - rules.alpha()) + z.inverseCumulativeProbability(POWER)) * se;
        int needed = resLog <= rules.logThreshold() ? n
                : Math.max(n + 1, (int) Math.ceil(n * Math.pow(zRes / rules.logThreshold(), 2)));
        // Slower: log ratio below 0 for throughput, above 0 for latency; 'worse' is that signed distance.
        double worse = higherIsBetter ? -est : est;
        double worseLow = higherIsBetter ? -hi : lo;
        double worseHigh = higherIsBetter ? -lo : hi;
        double minLog = Math.log1p(rules.minChangePercent() / 100);
        Verdict v;
        if (worseLow > 0 && worse >= minLog) {
            v = Verdict.SLOWER;
        } else if (worseHigh < 0 && -worse >= minLog) {
            v = Verdict.FASTER;
        } else if (Math.max(Math.abs(lo), Math.abs(hi)) <= rules.logThreshold()) {
            v = Verdict.NO_CHANGE;
        } else {
            v = Verdict.INCONCLUSIVE;
        }
        String note = resLog <= rules.logThreshold() ? ""
                : String.format(Locale.ROOT, "resolution %.1f %% is coarser than the %.0f %% threshold; about %d per side would reach it",
                        resolution, rules.thresholdPercent(), needed);
        return new Change(Math.exp(est), Math.exp(lo), Math.exp(hi), rules.confidence(), resolution, n, needed,
                higherIsBetter, v, note);
    }

    private static Change tooFew(double est, int n, boolean higherIsBetter, String why) {
        return new Change(Math.exp(est), Double.NaN, Double.NaN, Double.NaN, Double.NaN, n, -1, higherIsBetter,
                Verdict.INCONCLUSIVE, why);
    }

    private static Change none(boolean higherIsBetter, String why) {
        return new Change(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, -1, higherIsBetter,
                Verdict.INCONCLUSIVE, why);
    }

    /** A judgement blocked because most forks were disturbed. */
    public static Change disturbed(int usable, int total, boolean higherIsBetter) {
        return new Change(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, usable, -1, higherIsBetter,
                Verdict.DISTURBED, usable + " of " + total + " forks undisturbed: not judged; rerun on a quieter machine");
    }

    /**
     * The exit code of a set of judgements: 1 when any is SLOWER; else 3 when any is decided neither way and not
     * resolved to the threshold (too few forks, too noisy) or disturbed; else 0. A metric shown unchanged (its whole
     * interval within ±threshold) or faster is decided whatever its resolution: an equivalence test at the same error
     * rate (TOST) rules out a change of the threshold's size, so a real slowdown of that size is called unchanged no
     * more often than identical builds are called slower.
     */
    public static int exitCode(List<Change> changes, Rules rules) {
        if (changes.stream().anyMatch(c -> c.verdict() == Verdict.SLOWER)) {
            return 1;
        }
        return changes.stream().allMatch(c -> c.verdict() == Verdict.NO_CHANGE || c.verdict() == Verdict.FASTER
                || (c.verdict() != Verdict.DISTURBED && c.resolved(rules))) ? 0 : CANNOT_JUDGE;
    }

    /**
     * A fork's iterations with those disturbed from outside (steal, other processes) left out; {@code null} when more
     * than half were (the fork then says nothing about the code). JIT and GC marks do not count: they are the
     * measured code's own work.
     */
    public static double[] undisturbed(double[] iterations, List<List<String>> disturbed) {
        List<Double> kept = new ArrayList<>();
        for (int i = 0; i < iterations.length; i++) {
            if (i >= disturbed.size() || !fromOutside(disturbed.get(i))) {
                kept.add(iterations[i]);
            }
        }
        return 2 * kept.size() < iterations.length ? null : kept.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Whether an iteration's disturbance causes include one from outside the measured JVM and server. */
    public static boolean fromOutside(List<String> causes) {
        return causes.stream().anyMatch(Disturbance.EXTERNAL::contains);
    }

    static double sd(double[] v) {
        double mean = Arrays.stream(v).average().orElse(0);
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / Math.max(1, v.length - 1));
    }
}
