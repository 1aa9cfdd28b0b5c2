package io.sessionbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** "Recovered" is when the error share stays under the objective to the end, not the first success. */
class FaultRecoveryTest {
    /** One row per second: end time, answered/s, P50, P99, uncorrected P99, heap, errors/s. */
    private static List<double[]> timeline(double[] answered, double[] errors) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < answered.length; i++) {
            rows.add(new double[] {i + 1, answered[i], 500, 900, 800, 100, errors[i]});
        }
        return rows;
    }

    @Test
    void errorsUntilTheEndAreNotRecoveredEvenAfterAFirstSuccess() {
        // As the Lettuce-defaults cluster kill: 40 % of calls still failing in the last seconds.
        List<double[]> t = timeline(new double[] {1000, 1000, 100, 600, 600, 600, 600}, new double[] {0, 0, 900, 400, 400, 400, 400});
        assertThat(FaultRun.recovered(t, 2, 1)).isNaN();
    }

    @Test
    void recoveryIsTheStartOfTheLastStretchUnderTheBoundThatLastsTwoSeconds() {
        List<double[]> t = timeline(new double[] {1000, 1000, 100, 990, 1000, 1000, 1000}, new double[] {0, 0, 900, 10, 0, 0, 0});
        assertThat(FaultRun.recovered(t, 2, 1)).as("the interval 3–4 s failed 1 %% of its calls: at the bound").isEqualTo(3.0);
        assertThat(FaultRun.recovered(t, 2, 0.5)).as("under a tighter bound it recovers a second later").isEqualTo(4.0);
        List<double[]> late = timeline(new double[] {1000, 1000, 100, 100, 100, 100, 1000}, new double[] {0, 0, 900, 900, 900, 900, 0});
        assertThat(FaultRun.recovered(late, 2, 1)).as("one clean second at the end is not two").isNaN();
    }
}
