package io.sessionbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sweep whose every rate failed says why, from its lowest rate, and what to change. */
class SweepAdviceTest {
    private static LoadRun run(double rate, double achieved, long notStarted, boolean sustained, double p99Micros, long errors) {
        LoadRun.Percentiles p = new LoadRun.Percentiles(100, p99Micros / 2, p99Micros, p99Micros, p99Micros, p99Micros);
        return new LoadRun("login-burst", "redis-hash/lettuce", "constant", 8, 5, rate, achieved, 100, errors > 0 ? 0 : 100,
                Map.of(), notStarted, 0, sustained, false, false, 5_000, errors > 0 ? Map.of("Unavailable", errors) : Map.of(),
                LoadRun.LostUpdates.NONE, "safe", p, p, Map.of(), List.of(), "x.hlog", null, null, new LoadRun.Successes(p, p),
                LoadRun.Bounds.DEFAULT);
    }

    @Test
    void aScheduleTheGeneratorCouldNotKeepAsksForALowerRateOrMoreConnections() {
        String why = LoadReport.noSustainableRate(List.of(run(4000, 2500, 900, false, 80_000, 0), run(2000, 1500, 300, false, 40_000, 0)),
                "login-burst redis-hash/lettuce");
        assertThat(why).contains("2,000 req/s").contains("1,500 req/s were answered").contains("300 requests never started").contains("schedule was not kept")
                .contains("start lower").contains("--rate").contains("connections");
    }

    @Test
    void aP99AboveTheObjectiveAsksForALowerRateOrALooserObjective() {
        String why = LoadReport.noSustainableRate(List.of(run(2000, 2000, 0, true, 12_000, 0)), "login-burst redis-hash/lettuce");
        assertThat(why).contains("P99 was 12 ms against an objective of 5.00 ms").contains("objective: {p99: …}");
    }

    @Test
    void aTargetThatOnlyFailedIsNamedAsTheProblem() {
        String why = LoadReport.noSustainableRate(List.of(run(2000, 0, 0, false, 1, 50)), "login-burst redis-hash/lettuce");
        assertThat(why).contains("every call at 2,000 req/s failed").contains("Unavailable=50");
    }
}
