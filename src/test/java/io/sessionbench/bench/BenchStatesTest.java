package io.sessionbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.metrics.Latencies;
import io.sessionbench.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Recorder;
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
                Recorder latency = new Recorder(Latencies.MAX_NANOS, 3);
                for (int k = 0; k < 200; k++) {
                    w.next(s, c, o, latency);
                }
                s.endIteration();
                assertThat(latency.getIntervalHistogram().getTotalCount()).as(client).isEqualTo(200);
                assertThat(o.misses).isZero();
                assertThat(o.errors).isZero();
                // A session removed behind the benchmark's back is a miss, counted when its reply is retired.
                s.store.invalidate(s.ids[s.sequence[c.next & io.sessionbench.scenario.Workload.MASK]]);
                for (int k = 0; k < 8; k++) {
                    w.next(s, c, o, latency);
                }
                s.endIteration();
                assertThat(o.misses).as(client).isPositive();
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
    void lostUpdatesCountAcknowledgedValuesThatAreGoneAfterTheIteration() throws Exception {
        withState("redis-json", "lettuce", "naive", s -> {
            Outcomes o = new Outcomes();
            o.track(s, 3);
            o.reset();
            assertThat(o.field).isEqualTo("csrf-3");
            for (int i = 0; i < 3; i++) {
                assertThat(s.store.setAttribute(s.ids[i], o.field, Long.toHexString(20))).isTrue();
                o.wrote(i, 20);
            }
            // Another writer's whole-session write from a stale copy puts an older value back into session 1.
            s.store.setAttribute(s.ids[1], o.field, Long.toHexString(19));
            // Session 2 is gone: nothing can be checked there, and a missing session is not a lost update.
            s.store.invalidate(s.ids[2]);
            s.endIteration();
            assertThat(o.lostUpdates).isEqualTo(1);
            assertThat(o.errors).isZero();
            o.reset();
            s.endIteration();
            assertThat(o.lostUpdates).as("each iteration checks only its own writes").isZero();
        });
    }
}
