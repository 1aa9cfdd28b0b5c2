package io.sessionbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.metrics.Operation;
import io.sessionbench.scenario.LoginLedger;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.ScenarioWorkload;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.testing.RawWrites;
import io.sessionbench.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults against real servers: a restart fires at its time, its errors are counted by type in the intervals after it,
 * and the acknowledged sessions it lost are found after the run (all of them without persistence, none with AOF).
 */
@ExtendWith(TestStack.class)
class FaultsIT {

    private static Scenario scenario(List<Scenario.Fault> faults, Scenario.Durability durability) {
        return new Scenario("faults", "", List.of(io.sessionbench.store.Layout.REDIS_HASH), List.of(io.sessionbench.store.redis.RedisClientKind.LETTUCE),
                Map.of(Operation.REQUEST, 80.0, Operation.INCREMENT, 20.0), new Scenario.Sizes(256, 256),
                new Scenario.Users(200, 1, Workload.Distribution.UNIFORM, 0, 0), new Scenario.Rate(300, 0, 0, 0),
                Scenario.Arrivals.CONSTANT, 4, Duration.ofSeconds(4), Duration.ofMillis(500),
                new Scenario.Ttl(Duration.ofMinutes(30), Duration.ZERO), Scenario.Updates.SAFE, new Scenario.Objective(Duration.ofMillis(50)),
                faults, durability);
    }

    private static LoadRun runWithRestart(String appendfsync, Path dir) throws Exception {
        Scenario.Fault restart = new Scenario.Fault(Duration.ofMillis(1500), Scenario.FaultKind.RESTART, "redis", Duration.ofMillis(500), null);
        Scenario s = scenario(List.of(restart), new Scenario.Durability(appendfsync, 0, 0));
        try (LocalStack stack = LocalStack.start(dir.resolve("stack"), EnumSet.of(LocalStack.Server.REDIS))) {
            RateSweep sweep = new RateSweep(s, Layout.REDIS_HASH, RedisClientKind.LETTUCE, new RateSweep.Overrides(null, null, null, null))
                    .withStack(stack);
            List<LoadRun> runs = new ArrayList<>();
            Files.createDirectories(dir.resolve("histograms"));
            sweep.run(stack.endpoints(), dir, runs, System.out, null);
            return runs.get(0);
        }
    }

    @Test
    void aRestartFiresAtItsTimeItsErrorsAreCountedByTypeAndWithoutPersistenceEveryAcknowledgedSessionIsLost() throws Exception {
        Path dir = Path.of("target", "faults-test-" + System.nanoTime());
        LoadRun r = runWithRestart("off", dir);
        FaultRun f = r.faults();
        assertThat(f.fired()).hasSize(1);
        Faults.Fired fired = f.fired().get(0);
        assertThat(fired.error()).isNull();
        assertThat(fired.firedSeconds()).as("fired at or after its planned 1.5 s").isGreaterThanOrEqualTo(1.5).isLessThan(r.durationSeconds());
        assertThat(fired.action()).contains("stopped (SIGTERM", "down 500 ms");
        assertThat(r.errorCount()).as("calls fail while the server is down").isPositive();
        assertThat(f.firstErrorSeconds()).as("no error before the fault").isGreaterThanOrEqualTo(fired.firedSeconds());
        assertThat(f.firstSuccessAfterErrorSeconds()).as("the store answers again within the run").isGreaterThan(f.firstErrorSeconds());
        // errors by type per interval: none in intervals that ended before the fault, some in one that ended after
        for (int i = 0; i < r.timeline().size(); i++) {
            if (r.timeline().get(i)[0] < fired.firedSeconds()) {
                assertThat(f.errorsPerSecond().get(i)).as("interval ending at " + r.timeline().get(i)[0] + " s").isEmpty();
            }
        }
        assertThat(f.errorsPerSecond()).anySatisfy(m -> assertThat(m.keySet()).isNotEmpty());
        assertThat(f.errorsPerSecond().stream().flatMap(m -> m.keySet().stream()).distinct().toList())
                .as("error types as the book names them").allSatisfy(t -> assertThat(r.errors().keySet()).anyMatch(k -> k.endsWith(".error." + t)));
        assertThat(f.durability()).contains("no persistence");
        assertThat(f.sessionsChecked()).isEqualTo(200);
        assertThat(f.sessionsMissing()).as("a restart without persistence loses every acknowledged session").isEqualTo(200);
        assertThat(f.events()).as("the restarted node, polled during the run: where it started, silent, answering again")
                .extracting(ServerEvents.Event::event)
                .containsSubsequence("at the start: primary", "primary")
                .anyMatch(e -> e.startsWith("not answering"));
        // 4 s with the restart at 1.5 s leaves under the 2 s of clean seconds recovery needs: the run goes on until it has
        assertThat(FaultRun.recovered(r.timeline(), fired.firedSeconds(), r.bounds().errorsPercent())).as("recovered").isNotNaN();
        assertThat(f.extendedSeconds()).isBetween(0.0, FaultRun.MAX_EXTENSION_SECONDS);
        assertThat(r.durationSeconds()).isEqualTo(4 + f.extendedSeconds(), org.assertj.core.data.Offset.offset(1e-6));
        String md = LoadReport.faultsSection(List.of(r));
        assertThat(md).contains("### faults redis-hash/lettuce @300 req/s", "| restart | 1.50 s |", "acknowledged sessions lost: 200 of 200");
    }

    @Test
    void withAofEverysecARestartLosesNoAcknowledgedSession() throws Exception {
        LoadRun r = runWithRestart("everysec", Path.of("target", "faults-test-" + System.nanoTime()));
        assertThat(r.faults().durability()).contains("AOF appendfsync everysec");
        assertThat(r.faults().sessionsMissing()).isZero();
        assertThat(r.lostUpdates().lost()).as("acknowledged increments survive the restart").isZero();
    }

    @Test
    void aSessionDeletedBehindTheStoresBackIsFoundMissing() throws Exception {
        try (SessionStore store = Layout.REDIS_JSON.open(TestStack.endpoints(), Layout.StoreOptions.DEFAULT)) {
            ScenarioWorkload w = new ScenarioWorkload(scenario(List.of(), null), store);
            w.preload(2);
            w.runStarting();
            LoginLedger.Rules rules = new LoginLedger.Rules(3, Duration.ofMinutes(30).toNanos(), 0);
            LoginLedger.Check before = w.lostSessions(List.of(), rules, store);
            assertThat(before.checked()).isEqualTo(200);
            assertThat(before.lost()).isZero();
            RawWrites.keyed(TestStack.endpoints(), Layout.REDIS_JSON, w.sessionAt(17), (j, k) -> j.del(k));
            LoginLedger.Check after = w.lostSessions(List.of(), rules, store);
            assertThat(after.checked()).isEqualTo(200);
            assertThat(after.lost()).isEqualTo(1);
            w.cleanup();
        }
    }

    /**
     * Every acknowledged login is looked up, and what the store may rightly remove is left out by construction, each
     * case on a real server: the per-user cap really evicts the two oldest of five logins (left out as 'cap', not
     * lost), a session the scenario logged out is left out as 'logout', one deleted behind the store's back is lost
     * with its acknowledgement time, and an idle TTL that ran out before the check leaves every session out.
     */
    @Test
    void everyAcknowledgedLoginIsCheckedAndWhatTheStoreMayRemoveIsLeftOut() throws Exception {
        try (SessionStore store = Layout.REDIS_JSON.open(TestStack.endpoints(), Layout.StoreOptions.DEFAULT)) {
            String tag = "ll" + System.nanoTime();
            LoginLedger lane = new LoginLedger();
            List<SessionId> first = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                first.add(login(store, lane, 0, tag));
            }
            SessionId out = login(store, lane, 1, tag);
            lane.loggingOut(out);
            store.invalidate(out);
            long before = System.nanoTime();
            SessionId deleted = login(store, lane, 2, tag);
            long after = System.nanoTime();
            RawWrites.keyed(TestStack.endpoints(), Layout.REDIS_JSON, deleted, (j, k) -> j.del(k));

            LoginLedger.Check c = LoginLedger.check(List.of(lane), new LoginLedger.Rules(3, 0, 0), System.nanoTime(), store);
            assertThat(c.excluded()).containsEntry("cap", 2L).containsEntry("logout", 1L).containsEntry("expiry", 0L);
            assertThat(c.checked()).as("the newest three of user 0 and user 2's one").isEqualTo(4);
            assertThat(c.lost()).isEqualTo(1);
            assertThat(c.firstLostNanos()).isBetween(before, after).isEqualTo(c.lastLostNanos());
            assertThat(store.load(first.get(0))).as("the cap did evict what was left out as 'cap'").isEmpty();
            assertThat(store.load(first.get(2))).isPresent();

            LoginLedger.Check expired = LoginLedger.check(List.of(lane), new LoginLedger.Rules(3, 1, 0), System.nanoTime(), store);
            assertThat(expired.checked()).isZero();
            assertThat(expired.excluded()).containsEntry("expiry", 6L).containsEntry("logout", 1L);
            for (int u = 0; u < 3; u++) {
                store.invalidateAll(tag + "-" + u);
            }
        }
    }

    private static SessionId login(SessionStore store, LoginLedger lane, int user, String tag) {
        int i = lane.sending(user, System.nanoTime());
        SessionId id = store.create(tag + "-" + user, Map.of("auth", "user:" + user)).id();
        lane.answered(i, id, System.nanoTime());
        return id;
    }

    @Test
    void faultsTheRunCannotFireAreRefusedBeforeAnythingStarts() {
        Scenario failover = scenario(List.of(new Scenario.Fault(Duration.ofSeconds(1), Scenario.FaultKind.FAILOVER, "redis",
                Duration.ofSeconds(1), null)), null);
        EnumSet<LocalStack.Server> local = EnumSet.of(LocalStack.Server.REDIS);
        assertThatThrownBy(() -> Faults.check(failover, LocalStack.Topology.STANDALONE, local, false, false, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--topology sentinel or --topology cluster");
        Scenario kill = scenario(List.of(new Scenario.Fault(Duration.ofSeconds(1), Scenario.FaultKind.KILL_PRIMARY, "redis",
                Duration.ofSeconds(1), null)), null);
        assertThatThrownBy(() -> Faults.check(kill, LocalStack.Topology.STANDALONE, EnumSet.noneOf(LocalStack.Server.class), true, false, true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("acts on a server process");
        Scenario pause = scenario(List.of(new Scenario.Fault(Duration.ofSeconds(1), Scenario.FaultKind.PAUSE, "redis",
                Duration.ofSeconds(1), null)), null);
        assertThatThrownBy(() -> Faults.check(pause, LocalStack.Topology.STANDALONE, EnumSet.noneOf(LocalStack.Server.class), false, false, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--allow-faults-on-target");
        Faults.check(pause, LocalStack.Topology.STANDALONE, EnumSet.noneOf(LocalStack.Server.class), false, false, true);
        Scenario reshard = scenario(List.of(new Scenario.Fault(Duration.ofSeconds(1), Scenario.FaultKind.RESHARD, "redis",
                Duration.ofSeconds(1), 10)), null);
        assertThatThrownBy(() -> Faults.check(reshard, LocalStack.Topology.SENTINEL, local, false, false, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--topology cluster");
    }
}
