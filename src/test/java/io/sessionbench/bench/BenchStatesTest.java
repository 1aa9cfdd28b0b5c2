package io.sessionbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.metrics.Latencies;
import io.sessionbench.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JMH states driven by hand against the real servers: every benchmark method through the one operation
 * catalogue, the in-flight ring of the async clients, errors counted by kind, and the lost-update count of
 * {@link Outcomes}.
 */
@ExtendWith(TestStack.class)
class BenchStatesTest {
    private static Path endpoints;

    @BeforeAll
    static void endpointsFile() throws Exception {
        endpoints = Files.createTempFile(Path.of("target"), "bench-states", ".properties");
        TestStack.endpoints().writeSecretFile(endpoints);
        System.setProperty(BenchTargets.ENDPOINTS_PROPERTY, endpoints.toString());
    }

    @AfterAll
    static void removeEndpointsFile() throws Exception {
        System.clearProperty(BenchTargets.ENDPOINTS_PROPERTY);
        Files.deleteIfExists(endpoints);
    }

    interface Body {
        void run(StoreState s) throws Exception;
    }

    /** Opens a state as JMH's trial setup would (16 sessions of 256 B), runs {@code body}, and tears it down. */
    private static void withState(String layout, String client, String updates, Body body) throws Exception {
        StoreState s = open(layout, client, updates);
        try {
            body.run(s);
        } finally {
            s.close();
        }
    }

    private static StoreState open(String layout, String client, String updates) throws Exception {
        StoreState s = new StoreState();
        s.layout = layout;
        s.client = client;
        s.sessionBytes = 256;
        s.liveSessions = 16;
        s.distribution = "uniform";
        s.updates = updates;
        s.open();
        return s;
    }

    /** Successful {@code request} calls recorded in this JVM's closed-loop book since the last call. */
    private static long recordedRequests() {
        return Latencies.closedLoop().intervals().stream().filter(h -> "request".equals(h.getTag()))
                .mapToLong(org.HdrHistogram.Histogram::getTotalCount).sum();
    }

    @Test
    void everyBenchmarkMethodRecordsOneCallOfItsOperationAndCountsItOk() throws Exception {
        withState("redis-hash", "jedis", "safe", s -> {
            SessionOps ops = new SessionOps();
            Cursor c = new Cursor();
            c.start();
            InFlight w = new InFlight();
            w.inFlight = 1;
            w.prepare(s);
            java.util.Map<io.sessionbench.metrics.Operation, Runnable> calls = new java.util.LinkedHashMap<>();
            Completed done = new Completed();
            Outcomes o = outcomes(s, 0, done);
            calls.put(io.sessionbench.metrics.Operation.REQUEST, () -> assertThat(ops.request(s, c, o, done, w)).isPresent());
            calls.put(io.sessionbench.metrics.Operation.LOAD, () -> assertThat(ops.load(s, c, o, done)).isPresent());
            calls.put(io.sessionbench.metrics.Operation.READ_ATTRIBUTE, () -> assertThat(ops.readAttribute(s, c, o, done)).isPresent());
            calls.put(io.sessionbench.metrics.Operation.UPDATE_ATTRIBUTE, () -> assertThat(ops.updateAttribute(s, c, o, done)).isTrue());
            calls.put(io.sessionbench.metrics.Operation.INCREMENT, () -> assertThat(ops.increment(s, c, o, done)).isTrue());
            calls.put(io.sessionbench.metrics.Operation.TOUCH, () -> assertThat(ops.touch(s, c, o, done)).isTrue());
            calls.put(io.sessionbench.metrics.Operation.CREATE, () -> assertThat(ops.create(s, c, o, done).id()).isNotNull());
            calls.put(io.sessionbench.metrics.Operation.INVALIDATE, () -> assertThat(ops.invalidate(s, c, o, done)).isTrue());
            assertThat(calls.keySet()).as("a benchmark method per operation").containsExactlyInAnyOrder(io.sessionbench.metrics.Operation.values());
            for (var e : calls.entrySet()) {
                o.reset();
                done.ok = 0;
                Latencies.closedLoop().reset();
                for (int k = 0; k < 5; k++) {
                    e.getValue().run();
                }
                assertThat(done.ok).as(e.getKey().label()).isEqualTo(5);
                assertThat(Latencies.closedLoop().intervals().stream().filter(h -> e.getKey().label().equals(h.getTag()))
                        .mapToLong(org.HdrHistogram.Histogram::getTotalCount).sum()).as(e.getKey().label()).isEqualTo(5);
                assertThat(Latencies.closedLoop().intervals()).as(e.getKey().label() + " records only its own operation")
                        .allMatch(h -> e.getKey().label().equals(h.getTag()));
            }
            // The increments went into the one ledger, and nothing was lost.
            s.endIteration();
            assertThat(o.lostUpdates).isZero();
            assertThat(o.ledger.lostSoFar()).isZero();
        });
    }

    @Test
    void failuresAreCountedByKindWhereTheMeasuredCallClassifiesThem() throws Exception {
        withState("redis-hash", "lettuce", "safe", s -> {
            Outcomes o = outcomes(s, 0, new Completed());
            long errorsBefore = Latencies.closedLoop().errorTotal();
            io.sessionbench.metrics.Operation op = io.sessionbench.metrics.Operation.UPDATE_ATTRIBUTE;
            assertThat((Object) o.measured.call(op, () -> {
                throw new io.sessionbench.store.StoreException.Unavailable("server gone", null);
            })).isNull();
            assertThat((Object) o.measured.call(op, () -> {
                throw new io.sessionbench.store.StoreException.Conflict("lost the race");
            })).isNull();
            assertThat(o.errors).isEqualTo(2);
            assertThat(o.unavailable).isEqualTo(1);
            assertThat(o.conflicts).isEqualTo(1);
            assertThat(o.completed.ok).isZero();
            // The untimed create that prepares an invalidate: its failure is an error, but no latency is recorded.
            assertThat((Object) o.measured.untimed(io.sessionbench.metrics.Operation.INVALIDATE, () -> {
                throw new io.sessionbench.store.StoreException.Unavailable("server gone", null);
            })).isNull();
            assertThat(o.errors).isEqualTo(3);
            assertThat(o.unavailable).isEqualTo(2);
            assertThat(Latencies.closedLoop().errorTotal() - errorsBefore).as("two timed failures recorded, the untimed one not")
                    .isEqualTo(2);
            // A defect is not a store failure: it is counted, then propagates.
            assertThatThrownBy(() -> o.measured.call(op, () -> {
                throw new IllegalStateException("bug");
            })).isInstanceOf(IllegalStateException.class);
            assertThat(o.errors).isEqualTo(4);
        });
    }

    @Test
    void theInFlightRingChecksEveryReplyAndRecordsEveryLatency() throws Exception {
        for (String[] target : new String[][] {{"redis-hash", "lettuce"}, {"redis-json", "redisson"}, {"memcached-blob", "lettuce"}}) {
            String client = target[0] + "/" + target[1];
            withState(target[0], target[1], "safe", s -> {
                InFlight w = new InFlight();
                w.inFlight = 4;
                w.prepare(s);
                Cursor c = new Cursor();
                c.start();
                Completed done = new Completed();
                Outcomes o = outcomes(s, 0, done);
                Latencies.closedLoop().reset();
                for (int k = 0; k < 200; k++) {
                    w.next(s, c, o);
                }
                s.endIteration();
                assertThat(recordedRequests()).as(client).isEqualTo(200);
                assertThat(done.ok).as(client).isEqualTo(200);
                assertThat(o.misses).isZero();
                assertThat(o.errors).isZero();
                // A session removed behind the benchmark's back is a miss, counted when its reply is retired.
                s.store.invalidate(s.ids[s.sequence[c.next & io.sessionbench.scenario.Workload.MASK]]);
                for (int k = 0; k < 8; k++) {
                    w.next(s, c, o);
                }
                s.endIteration();
                assertThat(o.misses).as(client).isPositive();
                assertThat(done.ok + o.misses).as(client + ": every reply is an ok or a miss").isEqualTo(208);
            });
        }
    }

    @Test
    void inFlightAboveOneNeedsAnAsyncClient() throws Exception {
        withState("redis-hash", "jedis", "safe", s -> {
            InFlight w = new InFlight();
            w.inFlight = 8;
            assertThatThrownBy(() -> w.prepare(s)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("inFlight=8 needs an async client, and redis-hash/jedis has none; use inFlight=1 there, "
                            + "or memcached-blob, or lettuce or redisson on a Redis layout");
            w.inFlight = 0;
            assertThatThrownBy(() -> w.prepare(s)).hasMessageContaining("out of range");
        });
    }

    @Test
    void lostUpdatesAreAcknowledgedIncrementsMinusTheStoredCounter() throws Exception {
        withState("redis-json", "lettuce", "naive", s -> {
            Completed done = new Completed();
            Outcomes o = outcomes(s, 3, done);
            Cursor c = new Cursor();
            c.start();
            SessionOps ops = new SessionOps();
            for (int k = 0; k < 40; k++) {
                assertThat(ops.increment(s, c, o, done)).isTrue();
            }
            assertThat(done.ok).isEqualTo(40);
            s.endIteration();
            assertThat(o.lostUpdates).as("one writer loses nothing").isZero();
            // Another writer's whole-session write from a stale copy puts older values back: 2 and 1 increments lost.
            int first = firstTouched(s, o);
            long now = Long.parseLong(s.store.attribute(s.ids[first], o.ledger.counter()).orElseThrow());
            s.store.setAttribute(s.ids[first], o.ledger.counter(), Long.toString(now - 2));
            o.reset();
            s.endIteration();
            assertThat(o.lostUpdates).isEqualTo(2);
            o.reset();
            s.endIteration();
            assertThat(o.lostUpdates).as("each iteration reports only what was lost since the last check").isZero();
            // A session that is gone is not a lost update.
            s.store.invalidate(s.ids[first]);
            o.reset();
            s.endIteration();
            assertThat(o.lostUpdates).isZero();
            assertThat(o.errors).isZero();
        });
    }

    /** A benchmark thread's counters as JMH would set them up: thread {@code thread}, reset, bound to {@code done}. */
    private static Outcomes outcomes(StoreState s, int thread, Completed done) {
        Outcomes o = new Outcomes();
        o.track(s, thread);
        o.reset();
        return o.bind(done);
    }

    private static int firstTouched(StoreState s, Outcomes o) {
        for (int i = 0; i < s.ids.length; i++) {
            if (s.store.attribute(s.ids[i], o.ledger.counter()).isPresent()) {
                return i;
            }
        }
        throw new AssertionError("no session was incremented");
    }
}
