package io.sessionbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.Workload;
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
        return new Scenario("t", "", List.of(io.sessionbench.store.Layout.REDIS_HASH), List.of(io.sessionbench.store.redis.RedisClientKind.LETTUCE), Map.of(io.sessionbench.metrics.Operation.REQUEST, 100.0),
                new Scenario.Sizes(512, 512), new Scenario.Users(users, 1, Workload.Distribution.UNIFORM, 0, 0),
                new Scenario.Rate(1000, 0, 0, 0), Scenario.Arrivals.CONSTANT, 2, Duration.ofSeconds(4), Duration.ofMillis(500),
                new Scenario.Ttl(Duration.ofMinutes(30), Duration.ZERO), Scenario.Updates.SAFE, new Scenario.Objective(Duration.ofMillis(5)), List.of(), null);
    }

    @Test
    void aServerStallShowsInCorrectedLatencyButNotInUncorrected() throws Exception {
        Endpoints e = TestStack.endpoints();
        try (SessionStore store = Layout.REDIS_HASH.open(e, Layout.StoreOptions.DEFAULT)) {
            ScenarioWorkload w = new ScenarioWorkload(scenario(200), store);
            w.preload(4);
            OpenLoopRunner runner = new OpenLoopRunner(new OpenLoopRunner.Config(1000, false, 2,
                    500_000_000L, 4_000_000_000L, 1_000_000_000L), w);
            Path hlog = DIR.resolve("stall.hlog");
            Thread staller = pauseAfterFirstInterval(e, hlog, 300);
            OpenLoopRunner.Outcome o = runner.run(hlog, null, "stall", new ArrayList<>());
            staller.join();
            double corrected999 = o.allCorrected().getValueAtPercentile(99.9) / 1e6;
            double uncorrected999 = o.allUncorrected().getValueAtPercentile(99.9) / 1e6;
            double corrected99 = o.allCorrected().getValueAtPercentile(99) / 1e6;
            assertThat(corrected999).as("corrected P99.9 ms").isGreaterThanOrEqualTo(200);
            assertThat(corrected99).as("corrected P99 ms").isGreaterThanOrEqualTo(150);
            assertThat(uncorrected999).as("uncorrected P99.9 ms").isLessThan(100);
            assertThat(o.allUncorrected().getMaxValue() / 1e6).as("the stalled calls themselves").isGreaterThanOrEqualTo(200);
            assertThat(o.answered()).isGreaterThan(3500);
            assertThat(o.scheduled()).as("1,000 req/s for 4 s, no request lost at the window's edges").isEqualTo(4000);
            assertThat(o.allCorrected().getTotalCount()).as("every scheduled request is in the corrected histogram")
                    .isEqualTo(o.scheduled());
            // The generator could not keep its schedule through the stall: the corrected P99 of successes is queueing.
            assertThat(o.successes().corrected().p99()).isGreaterThan(Math.max(LoadRun.MAX_GAP_RATIO * o.successes().uncorrected().p99(),
                    o.successes().uncorrected().p99() + LoadRun.MAX_GAP_MICROS));
            assertThat(o.sustained()).isFalse();
            Map<String, Histogram> fromLog = HistogramFiles.readMerged(hlog);
            assertThat(fromLog).containsKeys("all.corrected", "all.uncorrected", "request.corrected");
            assertThat(fromLog.get("all.corrected").getTotalCount()).isEqualTo(o.allCorrected().getTotalCount());
            assertThat(o.timeline()).hasSizeGreaterThanOrEqualTo(4);
        }
    }

    /**
     * A run told to go on (a fault run that has not recovered) extends one interval at a time, up to its limit, with its
     * schedule unbroken: 1 s planned + at most 1 s more at 500 req/s is exactly 1,000 scheduled requests, all answered.
     */
    @Test
    void aRunGoesOnPastItsDurationWhileToldToAndKeepsItsScheduleWhole() throws Exception {
        try (SessionStore store = Layout.REDIS_HASH.open(TestStack.endpoints(), Layout.StoreOptions.DEFAULT)) {
            ScenarioWorkload w = new ScenarioWorkload(scenario(50), store);
            w.preload(2);
            OpenLoopRunner runner = new OpenLoopRunner(new OpenLoopRunner.Config(500, false, 2,
                    200_000_000L, 1_000_000_000L, 500_000_000L), w);
            List<Integer> asked = new ArrayList<>();
            runner.extendWhile(timeline -> asked.add(timeline.size()), 1_000_000_000L);
            OpenLoopRunner.Outcome o = runner.run(DIR.resolve("extended.hlog"), null, "extended", new ArrayList<>());
            assertThat(o.measuredSeconds()).isEqualTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(asked).as("asked once per interval near the end, until the limit").isNotEmpty();
            assertThat(o.scheduled()).isEqualTo(1000);
            assertThat(o.allCorrected().getTotalCount()).isEqualTo(1000);
            assertThat(o.timeline()).hasSizeGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void failedCallsAndMissesAreRecordedApartAndAreNotSuccessfulWork() throws Exception {
        Scenario base = scenario(50);
        Scenario mixed = new Scenario("t", "", base.layouts(), base.clients(),
                Map.of(io.sessionbench.metrics.Operation.REQUEST, 50.0, io.sessionbench.metrics.Operation.UPDATE_ATTRIBUTE, 50.0),
                base.sessionBytes(), base.users(), base.rate(), base.arrivals(), 2, base.duration(), base.warmup(), base.ttl(),
                base.updates(), base.objective(), List.of(), null);
        // Sessions of 512 B under a 516 B cap: every attribute write (≥ 9 bytes) is refused by the server's size check.
        io.sessionbench.store.SessionPolicy tight = new io.sessionbench.store.SessionPolicy(Duration.ofMinutes(30), Duration.ZERO, 3, 516, true);
        try (SessionStore store = Layout.REDIS_HASH.open(TestStack.endpoints(), Layout.StoreOptions.DEFAULT.withPolicy(tight))) {
            ScenarioWorkload w = new ScenarioWorkload(mixed, store);
            w.preload(4);
            store.invalidateAll(w.user(0));
            Path hlog = DIR.resolve("errors.hlog");
            OpenLoopRunner.Outcome o = new OpenLoopRunner(new OpenLoopRunner.Config(500, false, 2,
                    200_000_000L, 1_500_000_000L, 500_000_000L), w).run(hlog, null, "errors", new ArrayList<>());
            long tooLarge = o.errors().getOrDefault("updateAttribute.error.TooLarge", 0L);
            assertThat(tooLarge).as("refused writes").isPositive();
            assertThat(o.errors().keySet()).containsOnly("updateAttribute.error.TooLarge");
            assertThat(o.misses()).as("calls on the removed session").containsKey("request");
            assertThat(o.answered() + o.errorCount() + o.notStarted()).isEqualTo(o.scheduled());
            assertThat(o.scheduled()).isEqualTo(750);
            // The headline counts successes only: the refused writes failed fast and are not in it.
            assertThat(o.successes().corrected().count()).isEqualTo(o.ok());
            assertThat(o.allCorrected().getTotalCount()).isGreaterThan(o.successes().corrected().count());
            assertThat(o.achievedRate()).as("errors are not completed work").isLessThan(0.75 * 500);
            assertThat(o.allCorrected().getTotalCount()).isEqualTo(o.scheduled());
            Map<String, Histogram> tags = HistogramFiles.readMerged(hlog);
            assertThat(tags.get("updateAttribute.error.TooLarge").getTotalCount()).as("failed calls keep their latency").isEqualTo(tooLarge);
            assertThat(tags).doesNotContainKey("updateAttribute.corrected");
        }
    }

    /**
     * Workers stuck in a call when the window closes: each call in flight is recorded once as an error, and the rest
     * of each stuck lane's schedule as never started, so the ledger holds exactly the schedule.
     */
    @Test
    void aLaneStuckPastTheEndHasItsCallAndTheRestOfItsScheduleRecordedOnce() throws Exception {
        Endpoints e = TestStack.endpoints();
        try (SessionStore store = Layout.REDIS_HASH.open(e, Layout.StoreOptions.DEFAULT.withClient(io.sessionbench.store.redis.RedisClientKind.JEDIS))) {
            ScenarioWorkload w = new ScenarioWorkload(scenario(100), store);
            w.preload(4);
            Path hlog = DIR.resolve("stuck.hlog");
            // A pause past the window's end, so both workers are in a call when it closes.
            Thread staller = pauseAfterFirstInterval(e, hlog, 2500);
            OpenLoopRunner.Outcome o = new OpenLoopRunner(new OpenLoopRunner.Config(500, false, 2, 200_000_000L,
                    2_000_000_000L, 500_000_000L), w).joinTimeout(300_000_000L).run(hlog, null, "stuck", new ArrayList<>());
            staller.join();
            RawWrites.redis(e, j -> j.ping()); // answered once the pause is over, so no later test meets it
            assertThat(o.errors()).containsKey("request.error.noAnswerAtEnd");
            assertThat(o.errors().get("request.error.noAnswerAtEnd")).as("one per stuck lane, never twice").isBetween(1L, 2L);
            assertThat(o.notStarted()).as("the stuck lanes' remaining schedule").isPositive();
            assertThat(o.scheduled()).as("500 req/s for 2 s, the stuck lanes' rest included").isEqualTo(1000);
            assertThat(o.answered() + o.errorCount() + o.notStarted()).isEqualTo(o.scheduled());
            assertThat(o.allCorrected().getTotalCount()).isEqualTo(o.scheduled());
        }
    }

    /** Pauses the server for {@code millis} once the run has logged its first measured interval (an event, not a fixed delay). */
    private static Thread pauseAfterFirstInterval(Endpoints e, Path hlog, int millis) {
        Thread staller = new Thread(() -> {
            while (!hasAnInterval(hlog)) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
            RawWrites.redis(e, j -> j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "PAUSE", String.valueOf(millis)));
        });
        staller.start();
        return staller;
    }

    /** Whether the run has written a first interval (a half-written log reads as not yet). */
    private static boolean hasAnInterval(Path hlog) {
        try {
            return Files.exists(hlog) && !HistogramFiles.readIntervals(hlog).isEmpty();
        } catch (RuntimeException halfWritten) {
            return false;
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
            assertThat(o.scheduled()).isEqualTo(200_000);
            assertThat(o.achievedRate()).isLessThan(0.95 * 200_000);
            assertThat(o.notStarted()).isPositive();
            assertThat(o.scheduled()).isEqualTo(o.answered() + o.errorCount() + o.notStarted());
            assertThat(o.allCorrected().getTotalCount()).as("never-started requests are recorded too").isEqualTo(o.scheduled());
            assertThat(HistogramFiles.readMerged(DIR.resolve("overload.hlog")).get("notStarted").getTotalCount())
                    .isEqualTo(o.notStarted());
            assertThat(Files.exists(DIR.resolve("overload.hlog"))).isTrue();
        }
    }
}
