package io.sessionbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.ScenarioWorkload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionStore;
import io.sessionbench.testing.RawWrites;
import io.sessionbench.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The open-loop generator against a real Redis: the coordinated-omission correction, and overload detection. */
@ExtendWith(TestStack.class)
class OpenLoopRunnerTest {
    private static final Path DIR = Path.of("target", "loadgen-test-" + System.nanoTime());

    static Scenario scenario(int users) {
        return new Scenario("t", "", List.of("redis-hash"), List.of("lettuce"), Map.of(Scenario.Operation.REQUEST, 100.0),
                new Scenario.Sizes(512, 512), new Scenario.Users(users, 1, Scenario.KeyDistribution.UNIFORM, 0, 0),
                new Scenario.Rate(1000, 0, 0, 0), Scenario.Arrivals.CONSTANT, 2, Duration.ofSeconds(4), Duration.ofMillis(500),
                new Scenario.Ttl(Duration.ofMinutes(30), Duration.ZERO), Scenario.Updates.SAFE, new Scenario.Objective(Duration.ofMillis(5)));
    }

    @Test
    void aServerStallShowsInCorrectedLatencyButNotInUncorrected() throws Exception {
        Endpoints e = TestStack.endpoints();
        try (SessionStore store = Layout.REDIS_HASH.open(e, Layout.StoreOptions.DEFAULT)) {
            ScenarioWorkload w = new ScenarioWorkload(scenario(200), store);
            w.preload(4);
            OpenLoopRunner runner = new OpenLoopRunner(new OpenLoopRunner.Config(1000, false, 2,
                    500_000_000L, 4_000_000_000L, 1_000_000_000L), w);
            Thread staller = new Thread(() -> {
                try {
                    Thread.sleep(2_000);
                    RawWrites.redis(e, j -> j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "PAUSE", "300"));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            staller.start();
            Path hlog = DIR.resolve("stall.hlog");
            OpenLoopRunner.Outcome o = runner.run(hlog, null, "stall", new ArrayList<>());
            staller.join();
            double corrected999 = o.allCorrected().getValueAtPercentile(99.9) / 1e6;
            double uncorrected999 = o.allUncorrected().getValueAtPercentile(99.9) / 1e6;
            double corrected99 = o.allCorrected().getValueAtPercentile(99) / 1e6;
            assertThat(corrected999).as("corrected P99.9 ms").isGreaterThanOrEqualTo(200);
            assertThat(corrected99).as("corrected P99 ms").isGreaterThanOrEqualTo(150);
            assertThat(uncorrected999).as("uncorrected P99.9 ms").isLessThan(100);
            assertThat(o.allUncorrected().getMaxValue() / 1e6).as("the stalled calls themselves").isGreaterThanOrEqualTo(200);
            assertThat(o.completed()).isGreaterThan(3500);
            assertThat(o.sustained()).isTrue();
            Map<String, Histogram> fromLog = HistogramFiles.readMerged(hlog);
            assertThat(fromLog).containsKeys("all.corrected", "all.uncorrected", "request.corrected");
            assertThat(fromLog.get("all.corrected").getTotalCount()).isEqualTo(o.allCorrected().getTotalCount());
            assertThat(o.timeline()).hasSizeGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void aRateThatCannotBeSustainedIsReportedAsSuch() throws Exception {
        try (SessionStore store = Layout.REDIS_HASH.open(TestStack.endpoints(), Layout.StoreOptions.DEFAULT)) {
            ScenarioWorkload w = new ScenarioWorkload(scenario(100), store);
            w.preload(4);
            OpenLoopRunner.Outcome o = new OpenLoopRunner(new OpenLoopRunner.Config(200_000, false, 1,
                    200_000_000L, 1_000_000_000L, 500_000_000L), w).run(DIR.resolve("overload.hlog"), null, "overload", new ArrayList<>());
            assertThat(o.sustained()).isFalse();
            assertThat(o.achievedRate()).isLessThan(0.95 * 200_000);
            assertThat(o.backlog()).isPositive();
            assertThat(o.scheduled()).isEqualTo(o.completed() + o.backlog());
            assertThat(Files.exists(DIR.resolve("overload.hlog"))).isTrue();
        }
    }
}
