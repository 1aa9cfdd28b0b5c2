package io.sessionbench.loadgen;

import java.util.List;
import java.util.Map;

/**
 * What a run's faults did, as written to {@code loadgen.json}: the durability the servers had, the faults as fired,
 * errors by type per 1 s interval (aligned with the run's timeline), the error window, recovery, and the acknowledged
 * sessions missing after the run. Times are seconds into the measurement; NaN where nothing happened.
 *
 * @param firstSuccessAfterErrorSeconds the first success among calls sent after the first error
 * @param preFaultP99Ms                 median of the corrected P99 of the 1 s intervals before the first fault
 * @param p99BackSeconds                the start of the first interval after the fault from which every interval's
 *                                      corrected P99 stays within 2× of {@code preFaultP99Ms}; NaN: not within the run
 * @param sessionsMissing               sessions the store acknowledged (preloaded, or created by the run) that were
 *                                      missing when checked after the run
 */
public record FaultRun(String durability, String clientSettings, List<Faults.Fired> fired, List<Map<String, Long>> errorsPerSecond,
                       double firstErrorSeconds, double lastErrorSeconds, double firstSuccessAfterErrorSeconds,
                       double preFaultP99Ms, double p99BackSeconds, long sessionsChecked, long sessionsMissing) {

    /** The median corrected P99 (ms) of the intervals ending by {@code faultAt}, and when it is back within 2× for good. */
    static double[] p99Recovery(List<double[]> timeline, double faultAt) {
        List<Double> before = new java.util.ArrayList<>();
        for (double[] row : timeline) {
            if (row[0] <= faultAt && row[3] > 0) {
                before.add(row[3] / 1000);
            }
        }
        if (before.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        java.util.Collections.sort(before);
        double pre = before.get(before.size() / 2);
        double back = Double.NaN;
        for (int i = timeline.size() - 1; i >= 0; i--) {
            double[] row = timeline.get(i);
            if (row[0] <= faultAt || row[3] / 1000 > 2 * pre) {
                break;
            }
            back = row[0] - intervalSeconds(timeline, i);
        }
        return new double[] {pre, back};
    }

    /** The length of interval {@code i} (rows carry their end time). */
    private static double intervalSeconds(List<double[]> timeline, int i) {
        return i == 0 ? timeline.get(0)[0] : timeline.get(i)[0] - timeline.get(i - 1)[0];
    }
}
