package io.sessionbench.loadgen;

import java.util.List;
import java.util.Map;

/**
 * One open-loop run as written to {@code loadgen.json}: the conditions, the rates, the outcome counts (successes,
 * misses per operation, errors per operation and type, scheduled requests never started), lost updates, and the
 * latency views (µs): {@code successes}, the headline, covers successful calls only; {@code corrected} and
 * {@code uncorrected} cover every scheduled request (failed and never started ones too, which keep their own
 * histograms in the log); {@code operations} the successes of each operation. {@code sustained} and
 * {@code meetsObjective} follow {@link #judged()}. {@code incomplete} names what went wrong around the measurement
 * (a cleanup that failed), null when nothing did. {@code successes} is null in runs written before
 * it existed ({@link LoadReport#read} rebuilds it); {@code bounds} defaults then.
 */
public record LoadRun(String scenario, String target, String arrivals, int connections, double durationSeconds,
                      double intendedRate, double achievedRate, long scheduled, long ok, Map<String, Long> misses,
                      long notStarted, double latePercent, boolean sustained, boolean interrupted, boolean meetsObjective,
                      double objectiveP99Micros, Map<String, Long> errors, LostUpdates lostUpdates, String updates,
                      Percentiles corrected, Percentiles uncorrected, Map<String, Percentiles> operations,
                      List<double[]> timeline, String hlog, String incomplete, FaultRun faults, Successes successes,
                      Bounds bounds) {

    /** A run written before the objective had bounds beside P99 is judged with the defaults. */
    public LoadRun {
        if (bounds == null) {
            bounds = Bounds.DEFAULT;
        }
    }

    /** A run is sustained when it answered at least this share of the intended rate… */
    public static final double MIN_ACHIEVED_SHARE = 0.95;
    /** …left at most this share of its schedule never started (or 10 requests)… */
    public static final double MAX_NOT_STARTED_SHARE = 0.01;
    /** …started at most this percentage of its requests more than 1 ms late… */
    public static final double MAX_LATE_PERCENT = 5;
    /**
     * …and the corrected P99 of its successes stayed within this factor of the uncorrected one, or within 5 ms of it: a
     * few milliseconds of start delay at the tail is one generator's jitter on a busy host, more is queueing.
     */
    public static final double MAX_GAP_RATIO = 2;
    public static final double MAX_GAP_MICROS = 5000;

    /** Latency of successful calls only (µs): corrected from the intended start, uncorrected from the send. */
    public record Successes(Percentiles corrected, Percentiles uncorrected) {
        public static Successes of(org.HdrHistogram.Histogram corrected, org.HdrHistogram.Histogram uncorrected) {
            return new Successes(Percentiles.of(corrected), Percentiles.of(uncorrected));
        }
    }

    /** The objective's bounds beside P99, in percent of the scheduled requests: failed calls, and starts over 1 ms late. */
    public record Bounds(double errorsPercent, double latePercent) {
        public static final Bounds DEFAULT = new Bounds(io.sessionbench.scenario.Scenario.Objective.DEFAULT_ERRORS_PERCENT,
                io.sessionbench.scenario.Scenario.Objective.DEFAULT_LATE_PERCENT);

        public static Bounds of(io.sessionbench.scenario.Scenario.Objective o) {
            io.sessionbench.scenario.Scenario.Objective d = o.withDefaults();
            return new Bounds(d.errors(), d.late());
        }
    }

    /**
     * Whether the schedule was kept: the rule for one generator and for merged ones alike. Answered calls (successes
     * and misses) at least {@value #MIN_ACHIEVED_SHARE} of the intended rate, at most 1 % of the schedule never
     * started, at most {@value #MAX_LATE_PERCENT} % of starts more than 1 ms late, and the corrected P99 of successes
     * within {@value #MAX_GAP_RATIO}× the uncorrected (or 5 ms of it): a wider gap is queueing, not service time.
     */
    public static boolean sustained(double intendedRate, double achievedRate, long scheduled, long notStarted, double latePercent,
                                    Successes s) {
        return scheduleProblems(intendedRate, achievedRate, scheduled, notStarted, latePercent, s).isEmpty();
    }

    /** Which part of {@link #sustained} failed, each as a short phrase; empty when the schedule was kept. */
    static List<String> scheduleProblems(double intendedRate, double achievedRate, long scheduled, long notStarted, double latePercent,
                                         Successes s) {
        List<String> out = new java.util.ArrayList<>();
        if (achievedRate < MIN_ACHIEVED_SHARE * intendedRate) {
            out.add(String.format(java.util.Locale.ROOT, "answered %.0f of %.0f req/s", achievedRate, intendedRate));
        }
        if (notStarted > Math.max(10, (long) (scheduled * MAX_NOT_STARTED_SHARE))) {
            out.add(String.format(java.util.Locale.ROOT, "%,d never started", notStarted));
        }
        if (latePercent > MAX_LATE_PERCENT) {
            out.add(String.format(java.util.Locale.ROOT, "%.1f %% of starts late", latePercent));
        }
        if (s != null && !Double.isNaN(s.corrected().p99()) && !Double.isNaN(s.uncorrected().p99())
                && s.corrected().p99() > Math.max(MAX_GAP_RATIO * s.uncorrected().p99(), s.uncorrected().p99() + MAX_GAP_MICROS)) {
            out.add("corrected P99 " + ms(s.corrected().p99()) + " ms against " + ms(s.uncorrected().p99()) + " ms uncorrected");
        }
        return out;
    }

    /** Failed calls in percent of the scheduled requests. */
    public double errorPercent() {
        return scheduled == 0 ? 0 : 100.0 * errorCount() / scheduled;
    }

    /** Misses in percent of the answered calls (a miss is answered, but not the work asked for). */
    public double missPercent() {
        long answered = ok + missCount();
        return answered == 0 ? 0 : 100.0 * missCount() / answered;
    }

    /**
     * What of the objective did not hold, each as a short phrase, empty when the run meets it: what was lost or failed
     * first (acknowledged sessions and updates lost, errors), then the schedule, then speed.
     */
    public List<String> unmet() {
        List<String> out = new java.util.ArrayList<>();
        if (faults != null && faults.sessionsMissing() > 0) {
            out.add(String.format(java.util.Locale.ROOT, "%,d of %,d acknowledged sessions lost", faults.sessionsMissing(),
                    faults.sessionsChecked()));
        }
        if (lostUpdates != null && lostUpdates.lost() > 0) {
            out.add(String.format(java.util.Locale.ROOT, "%,d of %,d acknowledged updates lost", lostUpdates.lost(), lostUpdates.acknowledged()));
        }
        if (errorPercent() > bounds.errorsPercent()) {
            out.add(String.format(java.util.Locale.ROOT, "errors %.2f %% > %s %%", errorPercent(), num(bounds.errorsPercent())));
        }
        if (ok == 0) {
            out.add("no successful call");
        }
        if (!sustained) {
            List<String> why = scheduleProblems(intendedRate, achievedRate, scheduled, notStarted, latePercent, successes);
            out.add("schedule not kept" + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")"));
        }
        if (latePercent > bounds.latePercent()) {
            out.add(String.format(java.util.Locale.ROOT, "late starts %.2f %% > %s %%", latePercent, num(bounds.latePercent())));
        }
        if (ok > 0 && successes != null && !(successes.corrected().p99() <= objectiveP99Micros)) {
            out.add("P99 of successes " + ms(successes.corrected().p99()) + " ms > " + ms(objectiveP99Micros) + " ms");
        }
        return out;
    }

    /** This run with {@code sustained} and {@code meetsObjective} as this build's rules give them. */
    public LoadRun judged() {
        LoadRun kept = judgedAs(sustained(intendedRate, achievedRate, scheduled, notStarted, latePercent, successes), false);
        return kept.judgedAs(kept.sustained, kept.unmet().isEmpty());
    }

    private LoadRun judgedAs(boolean isSustained, boolean meets) {
        return new LoadRun(scenario, target, arrivals, connections, durationSeconds, intendedRate, achievedRate, scheduled, ok,
                misses, notStarted, latePercent, isSustained, interrupted, meets, objectiveP99Micros, errors, lostUpdates,
                updates, corrected, uncorrected, operations, timeline, hlog, incomplete, faults, successes, bounds);
    }

    /** This run with its successes' latency and the objective's bounds (a run written before they existed). */
    public LoadRun withSuccesses(Successes s, Bounds b) {
        return new LoadRun(scenario, target, arrivals, connections, durationSeconds, intendedRate, achievedRate, scheduled, ok,
                misses, notStarted, latePercent, sustained, interrupted, meetsObjective, objectiveP99Micros, errors, lostUpdates,
                updates, corrected, uncorrected, operations, timeline, hlog, incomplete, faults, s, b);
    }

    private static String ms(double micros) {
        return Double.isNaN(micros) ? "–" : String.format(java.util.Locale.ROOT, "%.2f", micros / 1000);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** This run with what its faults did. */
    public LoadRun withFaults(FaultRun f) {
        return new LoadRun(scenario, target, arrivals, connections, durationSeconds, intendedRate, achievedRate, scheduled, ok,
                misses, notStarted, latePercent, sustained, interrupted, meetsObjective, objectiveP99Micros, errors, lostUpdates,
                updates, corrected, uncorrected, operations, timeline, hlog, incomplete, f, successes, bounds);
    }

    /** Exact lost updates of the increment operation; {@code sessionsGone}: written sessions that expired or were evicted. */
    /**
     * Lost increments: {@code lost} certain (acknowledged minus the counter), {@code lostAtMost} allowing that
     * increments which failed or timed out may have landed and hidden as many losses (equal when all were answered).
     */
    public record LostUpdates(long lost, long acknowledged, long sessionsGone, long lostAtMost) {
        public static final LostUpdates NONE = new LostUpdates(0, 0, 0);

        /** Runs written before the upper bound was kept have it equal to the certain count. */
        public LostUpdates {
            lostAtMost = Math.max(lostAtMost, lost);
        }

        public LostUpdates(long lost, long acknowledged, long sessionsGone) {
            this(lost, acknowledged, sessionsGone, lost);
        }

        /** "609 of 4,000 acknowledged", with "(up to 650: …)" when failed increments leave the count a range. */
        public String text() {
            return String.format(java.util.Locale.ROOT, "%,d of %,d acknowledged", lost, acknowledged)
                    + (lostAtMost > lost ? String.format(java.util.Locale.ROOT, " (up to %,d: increments that failed may have landed)", lostAtMost) : "");
        }
    }

    /** Latency summary of one histogram, microseconds. */
    public record Percentiles(long count, double p50, double p90, double p99, double p999, double max) {
        public static Percentiles of(org.HdrHistogram.Histogram h) {
            if (h == null || h.getTotalCount() == 0) {
                return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Percentiles(h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
        }
    }

    /** This run, marked incomplete for {@code why} (added to any earlier reason). */
    public LoadRun withIncomplete(String why) {
        String all = incomplete == null ? why : incomplete + "; " + why;
        return new LoadRun(scenario, target, arrivals, connections, durationSeconds, intendedRate, achievedRate, scheduled, ok,
                misses, notStarted, latePercent, sustained, interrupted, meetsObjective, objectiveP99Micros, errors, lostUpdates,
                updates, corrected, uncorrected, operations, timeline, hlog, all, faults, successes, bounds);
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public long missCount() {
        return misses.values().stream().mapToLong(Long::longValue).sum();
    }
}
