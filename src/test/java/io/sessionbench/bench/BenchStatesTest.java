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
 * The JMH states driven by hand against the real servers: the in-flight ring of the async clients, and the
 * lost-update count of {@link Outcomes}.
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
    void theInFlightRingChecksEveryReplyAndRecordsEveryLatency() throws Exception {
        for (String[] target : new String[][] {{"redis-hash", "lettuce"}, {"redis-json", "redisson"}, {"memcached-blob", "lettuce"}}) {
            String client = target[0] + "/" + target[1];
            withState(target[0], target[1], "safe", s -> {
                InFlight w = new InFlight();
                w.inFlight = 4;
                w.prepare(s);
                Cursor c = new Cursor();
                c.start();
                Outcomes o = new Outcomes();
                o.track(s, 0);
                o.reset();
                Completed done = new Completed();
                o.bind(done);
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
            Outcomes o = new Outcomes();
            o.track(s, 3);
            o.reset();
            Completed done = new Completed();
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
            long now = Long.parseLong(s.store.attribute(s.ids[first], o.counter).orElseThrow());
            s.store.setAttribute(s.ids[first], o.counter, Long.toString(now - 2));
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

    private static int firstTouched(StoreState s, Outcomes o) {
        for (int i = 0; i < s.ids.length; i++) {
            if (s.store.attribute(s.ids[i], o.counter).isPresent()) {
                return i;
            }
        }
        throw new AssertionError("no session was incremented");
    }
}
