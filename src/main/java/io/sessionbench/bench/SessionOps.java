package io.sessionbench.bench;

import io.sessionbench.metrics.Operation;
import io.sessionbench.store.Session;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a web request pays for its session, per store operation and for a whole request, closed loop.
 * Each method makes exactly one store call through its thread's {@link io.sessionbench.metrics.MeasuredCall} (the one
 * measured path: only the store call is timed; successes, misses and errors by type are recorded apart); everything
 * else (choosing the key, building attributes, checking what came back) happens outside the timed region. The
 * throughput sessionbench reports is the {@code ok} counter ({@link Completed}), successful calls per second, not
 * JMH's primary score, which counts failed invocations too. A session that reads back wrong data fails the run.
 * Left out: the web framework, serialization of domain objects (attributes are strings), and coordinated omission
 * under overload, which the open-loop load generator measures instead.
 *
 * <p>Run: {@code java -jar target/benchmarks.jar bench --profile quick}, or with JMH's own command line:
 * {@code java -jar target/benchmarks.jar SessionOps.request -p layout=redis-hash -prof io.sessionbench.metrics.HdrProfiler}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
public class SessionOps {

    /**
     * One authenticated request: read auth, permissions and preferences and renew the idle TTL, as one call done
     * the layout's best way (one Lua script on Redis hashes, GET+PEXPIRE script on strings, {@code gat} on
     * Memcached, one {@code UPDATE … RETURNING} on Postgres). With {@code -p inFlight=N} (async clients only) each
     * thread keeps N requests outstanding on the shared connection; see {@link InFlight}. Leaves out: the
     * application's use of the values, and the cookie and id parsing before the store is asked.
     * Run: {@code java -jar target/benchmarks.jar 'SessionOps.request$' -p layout=redis-hash -p client=lettuce,jedis
     * -p inFlight=1 -prof io.sessionbench.metrics.HdrProfiler} ({@code -p client=lettuce -p inFlight=8} for the ring).
     */
    @Benchmark
    public Optional<Map<String, String>> request(StoreState s, Cursor c, Outcomes o, Completed done, InFlight w) {
        o.bind(done);
        if (w.windowed()) {
            return w.next(s, c, o);
        }
        int i = c.index(s);
        Optional<Map<String, String>> r = measure(Operation.REQUEST, s.input(Operation.REQUEST, i, null, null), s, o);
        verify(s, i, r);
        return r;
    }

    /** Fails the run when session {@code i} read back someone else's data (misses are counted by the measured call). */
    static void verify(StoreState s, int i, Optional<Map<String, String>> r) {
        if (r != null && r.isPresent() && !s.expectedAuth[i].equals(r.get().get("auth"))) {
            throw new IllegalStateException(s.layout + " returned auth=" + r.get().get("auth") + " for session "
                    + i + ", expected " + s.expectedAuth[i] + "; the store read back wrong data");
        }
    }

    /**
     * Loads the whole session (HGETALL, GET + decode, SELECT) without renewing it. Leaves out: the renewal a real
     * request adds (see {@link #request}). Run: {@code java -jar target/benchmarks.jar 'SessionOps.load$'
     * -p layout=redis-json -p sessionBytes=2048,131072 -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public Optional<Session> load(StoreState s, Cursor c, Outcomes o, Completed done) {
        int i = c.index(s);
        Optional<Session> r = measure(Operation.LOAD, s.input(Operation.LOAD, i, null, null), s, o.bind(done));
        if (r != null && r.isPresent() && !s.expectedAuth[i].equals(r.get().attributes().get("auth"))) {
            throw new IllegalStateException(s.layout + " loaded a wrong session for index " + i);
        }
        return r;
    }

    /**
     * Reads one attribute (HMGET on hashes; the whole value on string and blob layouts; {@code attrs ->> ?} on
     * Postgres), without renewal. Run: {@code java -jar target/benchmarks.jar 'SessionOps.readAttribute$'
     * -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public Optional<String> readAttribute(StoreState s, Cursor c, Outcomes o, Completed done) {
        return measure(Operation.READ_ATTRIBUTE, s.input(Operation.READ_ATTRIBUTE, c.index(s), null, null), s, o.bind(done));
    }

    /**
     * Writes one small attribute and renews, blind (HSET script on hashes; read-modify-write with CAS on strings, or
     * plain GET then SET with {@code -p updates=naive}). Run: {@code java -jar target/benchmarks.jar
     * 'SessionOps.updateAttribute$' -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public Boolean updateAttribute(StoreState s, Cursor c, Outcomes o, Completed done) {
        Operation.Input in = s.input(Operation.UPDATE_ATTRIBUTE, c.index(s), Long.toHexString(++c.counter), null);
        return measure(Operation.UPDATE_ATTRIBUTE, in, s, o.bind(done));
    }

    /**
     * A read-modify-write of a counter attribute that only this thread writes: read it, add one, write it back
     * through the layout's partial update (two store calls, timed together). After each iteration, acknowledged
     * increments minus the stored value is the exact number of lost updates ({@code lostUpdates}). Leaves out:
     * retries a caller would make after a {@code Conflict} (counted in {@code conflicts}). Run:
     * {@code java -jar target/benchmarks.jar 'SessionOps.increment$' -t 2 -p liveSessions=2 -p updates=safe,naive
     * -p layout=redis-json -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public Boolean increment(StoreState s, Cursor c, Outcomes o, Completed done) {
        int i = c.index(s);
        Boolean ok = measure(Operation.INCREMENT, s.input(Operation.INCREMENT, i, null, o.ledger.counter()), s, o.bind(done));
        if (Boolean.TRUE.equals(ok)) {
            o.ledger.acknowledged(i, 0);
        }
        return ok;
    }

    /**
     * Sliding renewal alone (what a request that reads nothing pays). Run: {@code java -jar target/benchmarks.jar
     * 'SessionOps.touch$' -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public Boolean touch(StoreState s, Cursor c, Outcomes o, Completed done) {
        return measure(Operation.TOUCH, s.input(Operation.TOUCH, c.index(s), null, null), s, o.bind(done));
    }

    /**
     * Login: creates a session for a user of its own (not a preloaded one), enforcing the cap of 3 atomically (so,
     * once a user has 3, the oldest is evicted). Leaves out: password checking. Run: {@code java -jar
     * target/benchmarks.jar 'SessionOps.create$' -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public Session create(StoreState s, Cursor c, Outcomes o, Completed done) {
        return measure(Operation.CREATE, s.input(Operation.CREATE, c.index(s), null, null), s, o.bind(done));
    }

    /**
     * Logout. Each invocation first creates the session to remove, untimed but inside JMH's score (there must be a
     * session to remove, and {@code Level.Invocation} would distort sub-millisecond calls): JMH's primary score is
     * create + invalidate pairs per second; {@code ok} and the latency percentiles cover invalidate alone.
     * Run: {@code java -jar target/benchmarks.jar 'SessionOps.invalidate$' -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public Boolean invalidate(StoreState s, Cursor c, Outcomes o, Completed done) {
        Operation.Input login = s.input(Operation.CREATE, c.index(s), null, null);
        Session created = o.bind(done).measured.untimed(Operation.INVALIDATE, () -> Operation.CREATE.invoke(s.store, login));
        return created == null ? null : measure(Operation.INVALIDATE, Operation.Input.session(created.id()), s, o);
    }

    /** {@code op} through the thread's measured call, its input built before (the one catalogue: {@link Operation#invoke}). */
    private static <T> T measure(Operation op, Operation.Input in, StoreState s, Outcomes o) {
        return o.measured.call(op, s.store, in);
    }
}
