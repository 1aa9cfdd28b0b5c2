package io.sessionbench.bench;

import io.sessionbench.metrics.Latencies;
import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Requests in flight per benchmark thread for the async clients (Lettuce, Redisson, spymemcached), as
 * memtier_benchmark's {@code --pipeline}: a ring of {@code inFlight} outstanding requests; each invocation waits for
 * the oldest, checks it, and sends a new one, so JMH's score stays completed requests per second. Latency is taken
 * from send to reply on the client's I/O thread. {@code inFlight=1} is the plain synchronous call.
 */
@State(Scope.Thread)
public class InFlight {
    static final int MAX = 1024;

    @Param({"1"})
    public int inFlight;

    private CompletableFuture<MeasuredCall.Completion<Optional<Map<String, String>>>>[] pending;
    private int[] indices;
    private int slot;
    /** The thread's counters, kept from the last invocation: a fixture taking {@link Outcomes} clashes in JMH. */
    private Outcomes outcomes;

    @SuppressWarnings("unchecked")
    @Setup(Level.Trial)
    public void prepare(StoreState s) {
        if (inFlight < 1 || inFlight > MAX) {
            throw new IllegalArgumentException("-p inFlight=" + inFlight + " is out of range; use 1 to " + MAX);
        }
        if (inFlight > 1 && !s.store.async()) {
            throw new IllegalArgumentException("inFlight=" + inFlight + " needs an async client, and "
                    + io.sessionbench.store.Target.of(s.layout, s.client).label() + " has none; use inFlight=1 there, "
                    + "or memcached-blob, or " + String.join(" or ", io.sessionbench.store.redis.RedisClientKind.asyncClients().stream()
                    .map(io.sessionbench.store.redis.RedisClientKind::label).toList()) + " on a Redis layout");
        }
        pending = new CompletableFuture[inFlight];
        indices = new int[inFlight];
        if (inFlight > 1) {
            s.atIterationEnd(() -> drain(s));
        }
    }

    boolean windowed() {
        return inFlight > 1;
    }

    /** Retires the oldest request of the ring (checking what it read) and sends the next one in its place. */
    Optional<Map<String, String>> next(StoreState s, Cursor c, Outcomes o) {
        outcomes = o;
        Optional<Map<String, String>> done = retire(slot, s, o);
        int i = c.index(s);
        Operation.Input in = s.input(Operation.REQUEST, i, null, null);
        // Latency is recorded by the measured call on the client's I/O thread, into the JVM's book; the outcome, as
        // the measured call classified it, is counted on this thread when the reply is retired.
        pending[slot] = RECORD_ONLY.callAsync(Operation.REQUEST, s.store, in).toCompletableFuture();
        indices[slot] = i;
        slot = slot + 1 == inFlight ? 0 : slot + 1;
        return done;
    }

    private static final MeasuredCall RECORD_ONLY = new MeasuredCall(Latencies.closedLoop());

    private Optional<Map<String, String>> retire(int k, StoreState s, Outcomes o) {
        CompletableFuture<MeasuredCall.Completion<Optional<Map<String, String>>>> f = pending[k];
        if (f == null) {
            return Optional.empty();
        }
        pending[k] = null;
        MeasuredCall.Completion<Optional<Map<String, String>>> r = f.join();
        if (r.failure() != null) {
            o.failure(Operation.REQUEST, r.failure());
            return Optional.empty();
        }
        o.count(r.outcome());
        SessionOps.verify(s, indices[k], r.value());
        return r.value();
    }

    /** Untimed, after each iteration: waits for the requests still out and counts their outcomes in this iteration. */
    void drain(StoreState s) {
        for (int k = 0; k < inFlight && outcomes != null; k++) {
            retire(k, s, outcomes);
        }
    }
}
