package io.sessionbench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.metrics.Latencies;
import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins which layouts lose concurrent updates, counted exactly by the scenario workers' {@code increment} (the
 * {@code cart-updates} scenario's writes): four writers on two sessions. Naive read-modify-write layouts lose
 * updates (the writers go on in rounds until a loss is seen; a lossless naive layout would fail after 20 rounds);
 * field-level layouts and compare-and-set lose none.
 */
@ExtendWith(TestStack.class)
class LostUpdatesTest {
    private static final int WRITERS = 4;
    private static final int PER_ROUND = 400;

    @ParameterizedTest(name = "{0} {1}: loses updates = {2}")
    @CsvSource({
            "redis-json, naive, true", "redis-blob, naive, true", "memcached-blob, naive, true",
            "redis-hash, naive, false", "postgres, naive, false", "memory, naive, false",
            "redis-json, safe, false", "redis-blob, safe, false", "memcached-blob, safe, false"})
    void lostUpdatesPerLayoutAndMode(String layout, String updates, boolean loses) throws Exception {
        Scenario.Updates mode = Scenario.Updates.of(updates);
        Scenario s = ScenarioLoader.load(Path.of("scenarios", "cart-updates.yaml"));
        Scenario small = new Scenario(s.name(), s.description(), List.of(io.sessionbench.store.Layout.of(layout)), s.clients(), Map.of(Operation.INCREMENT, 100.0),
                new Scenario.Sizes(1024, 1024), new Scenario.Users(2, 1, Workload.Distribution.UNIFORM, 0, 0), s.rate(),
                s.arrivals(), WRITERS, s.duration(), s.warmup(), s.ttl(), mode, s.objective(), List.of(), null);
        SessionPolicy policy = new SessionPolicy(Duration.ofMinutes(30), Duration.ZERO, 3, 1_500_000, mode == Scenario.Updates.SAFE);
        try (SessionStore store = Layout.of(layout).open(TestStack.endpoints(), Layout.StoreOptions.DEFAULT.withPolicy(policy))) {
            ScenarioWorkload w = new ScenarioWorkload(small, store);
            w.preload(2);
            List<ScenarioWorkload.Worker> workers = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                workers.add(w.worker(i));
            }
            Latencies book = new Latencies(true);
            MeasuredCall measured = new MeasuredCall(book);
            ScenarioWorkload.LostUpdates result = null;
            for (int round = 0; round < (loses ? 20 : 1); round++) {
                runRound(workers, measured);
                result = w.lostUpdates(workers);
                if (result.lost() > 0) {
                    break;
                }
            }
            assertThat(result.acknowledged()).as("acknowledged increments").isPositive();
            assertThat(result.sessionsGone()).isZero();
            if (loses) {
                assertThat(result.lost()).as(layout + " " + updates + " loses updates").isPositive();
            } else {
                assertThat(result.lost()).as(layout + " " + updates + " loses no update").isZero();
            }
            assertThat(book.errors().keySet()).as("only conflicts may fail").allMatch(k -> k.endsWith(".Conflict"));
            w.cleanup();
        }
    }

    private static void runRound(List<ScenarioWorkload.Worker> workers, MeasuredCall measured) throws Exception {
        CyclicBarrier start = new CyclicBarrier(workers.size());
        List<Thread> threads = new ArrayList<>();
        for (ScenarioWorkload.Worker worker : workers) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int k = 0; k < PER_ROUND; k++) {
                    worker.next(measured, System.nanoTime());
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * An increment that failed may still have landed, so it can hide a loss: with 5 sent, 4 acknowledged and a counter
     * of 3, at least 1 and at most 2 acknowledged increments were lost. A generation a login replaced is still checked.
     */
    @org.junit.jupiter.api.Test
    void failedIncrementsMakeTheLossARangeAndReplacedGenerationsAreStillChecked() throws Exception {
        try (SessionStore store = Layout.REDIS_JSON.open(TestStack.endpoints(), Layout.StoreOptions.DEFAULT)) {
            String user = "ul-" + System.nanoTime();
            UpdateLedger l = new UpdateLedger("cnt_t", 2);
            io.sessionbench.store.SessionId a = store.create(user, Map.of("auth", "a")).id();
            for (int i = 0; i < 5; i++) {
                l.sending(0, 0, a);
                if (i < 4) {
                    l.acknowledged(0, 0);
                }
            }
            store.setAttribute(a, "cnt_t", "3");
            io.sessionbench.store.SessionId b = store.create(user, Map.of("auth", "b")).id();
            for (int i = 0; i < 2; i++) {
                l.sending(0, 1, b);
                l.acknowledged(0, 1);
            }
            store.setAttribute(b, "cnt_t", "2");
            UpdateLedger.Check c = UpdateLedger.check(List.of(l), 2, k -> b, k -> 1, store);
            assertThat(c.acknowledged()).as("a's 4 (replaced generation) and b's 2").isEqualTo(6);
            assertThat(c.lost()).isEqualTo(1);
            assertThat(c.lostAtMost()).isEqualTo(2);
            assertThat(c.sessionsGone()).isZero();
            store.invalidateAll(user);
        }
    }
}
