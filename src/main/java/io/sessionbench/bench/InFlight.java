package io.sessionbench.bench;

import io.sessionbench.metrics.Latencies;
import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import io.sessionbench.metrics.Outcome;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.StoreException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    private CompletableFuture<Optional<Map<String, String>>>[] pending;
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
                    + "or memcached-blob, or lettuce or redisson on a Redis layout");
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
        SessionId id = s.ids[i];
        // Latency is recorded by the measured call on the client's I/O thread, into the JVM's book; the outcome is
        // counted on this thread when the reply is retired.
        pending[slot] = RECORD_ONLY.callAsync(Operation.REQUEST, () -> s.store.requestAsync(id, Workload.CHECKS))
                .toCompletableFuture();
        indices[slot] = i;
        slot = slot + 1 == inFlight ? 0 : slot + 1;
        return done;
    }

    private static final MeasuredCall RECORD_ONLY = new MeasuredCall(Latencies.closedLoop());

    private Optional<Map<String, String>> retire(int k, StoreState s, Outcomes o) {
        CompletableFuture<Optional<Map<String, String>>> f = pending[k];
        if (f == null) {
            return Optional.empty();
        }
        pending[k] = null;
        try {
            Optional<Map<String, String>> r = f.join();
            o.count(MeasuredCall.classify(r), null);
            SessionOps.verify(s, indices[k], r);
            return r;
        } catch (CompletionException e) {
            Throwable cause = MeasuredCall.unwrap(e);
            if (cause instanceof StoreException) {
                o.report(cause);
                o.count(Outcome.ERROR, MeasuredCall.errorType(cause));
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Untimed, after each iteration: waits for the requests still out and counts their outcomes in this iteration. */
    void drain(StoreState s) {
        for (int k = 0; k < inFlight && outcomes != null; k++) {
            retire(k, s, outcomes);
        }
    }
}
