package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pooled noise of a run on simulated forks whose variance is known: the prior recovers it, borrowing buys degrees
 * of freedom, and the error rate of the bench verdict's comparisons holds with heavy tails and unequal groups.
 */
class NoisePriorTest {

    /** 30 benchmarks of 3 forks with one true SD: the prior finds that SD and is worth many forks. */
    @Test
    void aPriorFittedToAlikeBenchmarksRecoversTheirVariance() {
        SplittableRandom r = new SplittableRandom(7);
        List<double[]> logs = new ArrayList<>();
        for (int b = 0; b < 30; b++) {
            logs.add(forks(r, 3, 0.10, 0));
        }
        NoisePrior p = NoisePrior.fit("redis", logs);
        assertThat(Math.sqrt(p.s0Squared())).isBetween(0.08, 0.12);
        assertThat(p.d0()).as("a prior worth more than each benchmark's own 2 degrees of freedom").isGreaterThan(4);
        assertThat(p.describe(3)).isEqualTo("3 forks + prior of 30 redis benchmarks (d0 " + Math.round(p.d0()) + ")");
    }

    /** Benchmarks whose noise differs tenfold: the prior is worth few forks, so it does not hide the noisy one's noise. */
    @Test
    void unequalNoiseGivesAWeakPrior() {
        SplittableRandom r = new SplittableRandom(11);
        List<double[]> logs = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            logs.add(forks(r, 3, b % 2 == 0 ? 0.02 : 0.30, 0));
        }
        assertThat(NoisePrior.fit("redis", logs).d0()).isLessThan(4);
    }

    @Test
    void tooFewBenchmarksBorrowNothing() {
        SplittableRandom r = new SplittableRandom(3);
        NoisePrior p = NoisePrior.fit("postgres", List.of(forks(r, 3, 0.1, 0), forks(r, 3, 0.1, 0), forks(r, 3, 0.1, 0)));
        assertThat(p.borrows()).isFalse();
        assertThat(p.moderate(new double[] {0, 0.1, 0.2})[1]).isEqualTo(2);
        assertThat(p.describe(3)).isEqualTo("3 forks, own variance");
    }

    @Test
    void trigammaInverseInvertsTrigamma() {
        for (double x : new double[] {0.3, 1, 2.5, 10, 40}) {
            assertThat(NoisePrior.trigammaInverse(org.apache.commons.math3.special.Gamma.trigamma(x))).isCloseTo(x,
                    org.assertj.core.data.Percentage.withPercentage(0.01));
        }
    }

    /**
     * A/A on simulated runs as the verdict judges them: per run, a table of 6 backends that are all the same (3 forks
     * each, heavy-tailed t₃ noise, SDs drawn from 3 % to 20 % per benchmark), ranked against the observed fastest with
     * the run's prior (fitted to 24 Redis-like benchmarks and 6 Postgres-like ones four times noisier). Comparisons
     * called slower or faster: at most 5 %, as the A/A bound; and pooling must decide more than Welch alone
     * when a 1.5× difference is real.
     */
    @Test
    void theVerdictsFalseAlarmRateHoldsWithHeavyTailsAndUnequalGroupsAndPoolingAddsPower() {
        SplittableRandom r = new SplittableRandom(2026);
        int runs = 400;
        int comparisons = 0;
        int falseCalls = 0;
        int caughtPooled = 0;
        int caughtAlone = 0;
        for (int run = 0; run < runs; run++) {
            double[] sd = new double[30];
            List<double[]> redis = new ArrayList<>();
            List<double[]> postgres = new ArrayList<>();
            for (int b = 0; b < 30; b++) {
                sd[b] = b < 24 ? 0.03 * Math.pow(20 / 3.0, r.nextDouble()) : 0.4;
                (b < 24 ? redis : postgres).add(heavyForks(r, 3, sd[b], b < 6 ? 0 : r.nextDouble()));
            }
            NoisePrior pr = NoisePrior.fit("redis", redis);
            NoisePrior pp = NoisePrior.fit("postgres", postgres);
            // the table: the first 6 Redis-like benchmarks, all the same; ranked against the observed fastest
            int best = 0;
            for (int b = 1; b < 6; b++) {
                best = mean(redis.get(b)) > mean(redis.get(best)) ? b : best;
            }
            // as the verdict does: 5 comparisons with the observed fastest, each two-sided
            Judge.Rules rules = Judge.Rules.of(Verdict.THRESHOLD_PERCENT, Judge.DEFAULT_MIN_CHANGE_PERCENT, 10);
            for (int b = 0; b < 6; b++) {
                if (b == best) {
                    continue;
                }
                Judge.Change c = Judge.moderated(sample(redis.get(best)), sample(redis.get(b)), pr, pr, true, rules);
                comparisons++;
                falseCalls += c.verdict() == Judge.Verdict.SLOWER || c.verdict() == Judge.Verdict.FASTER ? 1 : 0;
            }
            // power: one Postgres-like benchmark 1.5x slower than a Redis-like one, pooled and alone
            double[] slow = postgres.get(0).clone();
            for (int i = 0; i < slow.length; i++) {
                slow[i] += Math.log(1 / 1.5) - mean(postgres.get(0)) + mean(redis.get(6));
            }
            Judge.Rules one = Judge.Rules.of(Verdict.THRESHOLD_PERCENT, Judge.DEFAULT_MIN_CHANGE_PERCENT, 1);
            caughtPooled += Judge.moderated(sample(redis.get(6)), sample(slow), pr, pp, true, one).verdict() == Judge.Verdict.SLOWER ? 1 : 0;
            caughtAlone += Judge.moderated(sample(redis.get(6)), sample(slow), NoisePrior.none("redis"), NoisePrior.none("postgres"),
                    true, one).verdict() == Judge.Verdict.SLOWER ? 1 : 0;
        }
        double rate = (double) falseCalls / comparisons;
        assertThat(rate).as(falseCalls + " of " + comparisons + " A/A comparisons called slower or faster").isLessThanOrEqualTo(0.05);
        assertThat(caughtPooled).as("1.5x caught with pooling (" + caughtPooled + ") vs alone (" + caughtAlone + ") of " + runs)
                .isGreaterThan(caughtAlone);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static Judge.Sample sample(double[] logs) {
        List<Judge.Sample> forks = new ArrayList<>();
        for (double l : logs) {
            forks.add(Judge.Sample.fork(new double[] {Math.exp(l)}));
        }
        return Judge.Sample.of(forks);
    }

    /** {@code n} fork log values around {@code mean} with normal noise of SD {@code sd}. */
    private static double[] forks(SplittableRandom r, int n, double sd, double mean) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + sd * gaussian(r);
        }
        return v;
    }

    /** The same with Student's t₃ noise scaled to SD {@code sd} (heavy tails). */
    private static double[] heavyForks(SplittableRandom r, int n, double sd, double mean) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double chi = 0;
            for (int k = 0; k < 3; k++) {
                double g = gaussian(r);
                chi += g * g;
            }
            v[i] = mean + sd / Math.sqrt(3.0) * gaussian(r) / Math.sqrt(chi / 3);
        }
        return v;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
