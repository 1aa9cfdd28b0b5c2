package io.sessionbench.loadgen;

import java.util.List;
import java.util.Map;

/**
 * What a run's faults did, as written to {@code loadgen.json}: the durability the servers had, the faults as fired,
 * errors by type per 1 s interval (aligned with the run's timeline), the error window, recovery, and the acknowledged
 * sessions missing after the run. Times are seconds into the measurement; NaN where nothing happened. When P99 was
 * back is derived from the run's timeline when the report is drawn ({@link #p99Recovery}), not stored.
 *
 * @param firstSuccessAfterErrorSeconds the first success among calls sent after the first error
 * @param preFaultP99Ms                 median of the corrected P99 of the 1 s intervals before the first fault
 * @param p99BackSeconds                the start of the first interval after the fault from which every interval's
 *                                      corrected P99 stays within 2× of {@code preFaultP99Ms}; NaN: not within the run
 * @param sessionsChecked               acknowledged sessions looked up after the run (existing when it started, and
 *                                      every login the store acknowledged during it), through a store opened afresh
 * @param sessionsMissing               of those, the ones missing: acknowledged sessions lost (-1: the check failed)
 * @param sessionsUnreadable            sessions whose check failed with an error (neither found nor shown missing)
 * @param sessionsLeftOut               acknowledged sessions not looked up, by reason: logged out by the scenario
 *                                      ({@code logout}), possibly evicted by the per-user cap ({@code cap}) or
 *                                      possibly expired ({@code expiry}); null in runs written before it was kept
 * @param lostFromSeconds               when the first lost session was acknowledged (seconds into the measurement;
 *                                      negative: before it, the preload); null when none was lost or not kept
 * @param lostToSeconds                 when the last lost session was acknowledged: from … to is the window in which
 *                                      acknowledged logins were lost
 * @param events                        what the Redis servers said during the run ({@link ServerEvents}): Sentinel
 *                                      events and each node's role, reachability and cluster epoch as they changed;
 *                                      null when no Redis fault ran or in runs written before they were captured
 * @param extendedSeconds               how long the run went on past its duration to see the store recover (at most
 *                                      {@link #MAX_EXTENSION_SECONDS}); null in runs written before runs were extended
 */
public record FaultRun(String durability, String clientSettings, List<Faults.Fired> fired, List<Map<String, Long>> errorsPerSecond,
                       double firstErrorSeconds, double lastErrorSeconds, double firstSuccessAfterErrorSeconds,
                       long sessionsChecked, long sessionsMissing,
                       long sessionsUnreadable, Map<String, Long> sessionsLeftOut, Double lostFromSeconds, Double lostToSeconds,
                       List<ServerEvents.Event> events, Double extendedSeconds) {

    /** The longest a fault run goes on past its duration while it has not recovered. */
    public static final double MAX_EXTENSION_SECONDS = 30;

    /**
     * The median corrected P99 (ms) of the intervals ending by {@code faultAt}, and the start of the first interval, at
     * least half of it after both the fault and the last error ({@code lastError}, NaN when none), that answered at
     * least half the pre-fault median rate with a P99 within 2× (an interval in which a stalled server answered little
     * or nothing has no P99 worth the name).
     */
    static double[] p99Recovery(List<double[]> timeline, double faultAt, double lastError) {
        List<Double> before = new java.util.ArrayList<>();
        List<Double> rates = new java.util.ArrayList<>();
        for (double[] row : timeline) {
            if (row[0] <= faultAt && row[3] > 0) {
                before.add(row[3] / 1000);
                rates.add(row[1]);
            }
        }
        if (before.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        java.util.Collections.sort(before);
        java.util.Collections.sort(rates);
        double pre = before.get(before.size() / 2);
        double rate = rates.get(rates.size() / 2);
        double after = Double.isNaN(lastError) ? faultAt : Math.max(faultAt, lastError);
        for (int i = 0; i < timeline.size(); i++) {
            double[] row = timeline.get(i);
            double len = intervalSeconds(timeline, i);
            if (row[0] - len / 2 >= after && row[1] >= rate / 2 && row[3] > 0 && row[3] / 1000 <= 2 * pre) {
                return new double[] {pre, row[0] - len};
            }
        }
        return new double[] {pre, Double.NaN};
    }

    /** How long the error share must stay under the bound, to the end of the run, for a run to count as recovered. */
    static final double RECOVERED_FOR_SECONDS = 2;

    /**
     * When the store recovered: the start of the first interval after {@code faultAt} from which every interval to the
     * end of the run failed at most {@code errorsPercent} of its calls (errors ÷ (answered + errors)), provided that
     * stretch lasts at least {@value #RECOVERED_FOR_SECONDS} s; NaN when it never did ("not recovered by the end"). Not
     * the first success, which can come while most calls still fail.
     */
    static double recovered(List<double[]> timeline, double faultAt, double errorsPercent) {
        double since = Double.NaN;
        for (int i = 0; i < timeline.size(); i++) {
            double[] row = timeline.get(i);
            double start = row[0] - intervalSeconds(timeline, i);
            if (start < faultAt) {
                continue;
            }
            double failed = failedPercent(row);
            boolean under = !Double.isNaN(failed) && failed <= errorsPercent;
            if (!under) {
                since = Double.NaN;
            } else if (Double.isNaN(since)) {
                since = start;
            }
        }
        double end = timeline.isEmpty() ? Double.NaN : timeline.get(timeline.size() - 1)[0];
        return !Double.isNaN(since) && end - since >= RECOVERED_FOR_SECONDS ? since : Double.NaN;
    }

    /** Percent of a timeline row's calls that failed: errors/s ÷ (answered/s + errors/s); NaN when it had no call. */
    static double failedPercent(double[] row) {
        double errors = row.length > 6 ? row[6] : 0;
        double calls = row[1] + errors;
        return calls > 0 ? 100 * errors / calls : Double.NaN;
    }

    /** Every error type seen in the run's intervals, sorted. */
    java.util.SortedSet<String> errorTypes() {
        java.util.SortedSet<String> types = new java.util.TreeSet<>();
        errorsPerSecond.forEach(m -> types.addAll(m.keySet()));
        return types;
    }

    /** The length of interval {@code i} (rows carry their end time). */
    private static double intervalSeconds(List<double[]> timeline, int i) {
        return i == 0 ? timeline.get(0)[0] : timeline.get(i)[0] - timeline.get(i - 1)[0];
    }
}
