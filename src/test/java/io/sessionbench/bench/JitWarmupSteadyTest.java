package io.sessionbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitWarmupSteadyTest {
    @Test
    void aClimbIsNotSteadyAndAFlatOrNoisyLevelIs() {
        List<Double> climbing = new ArrayList<>();
        List<Double> flat = new ArrayList<>();
        List<Double> noisy = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            climbing.add(1000.0 * (1 + 0.02 * i));
            flat.add(1000.0);
            noisy.add(1000.0 * (i % 2 == 0 ? 1.08 : 0.93));
        }
        assertThat(JitWarmup.steady(climbing)).isFalse();
        assertThat(JitWarmup.steady(flat)).isTrue();
        assertThat(JitWarmup.steady(noisy)).as("scatter without a trend").isTrue();
        assertThat(JitWarmup.steady(flat.subList(0, 5))).as("too few slices to tell").isFalse();
    }
}
