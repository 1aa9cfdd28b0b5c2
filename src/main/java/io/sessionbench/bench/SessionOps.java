package io.sessionbench.bench;

import io.sessionbench.scenario.Workload;

import io.sessionbench.metrics.Latencies;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.StoreException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a web request pays for its session, per store operation and for a whole request, closed loop.
 * Each method times its store call into an HdrHistogram (see {@link io.sessionbench.metrics.HdrProfiler}) and
 * counts misses and errors; a session that reads back wrong data fails the run. Left out: the web framework,
 * serialization of domain objects (attributes are strings), and coordinated omission under overload, which the
 * open-loop load generator measures instead.
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
    private static final Recorder REQUEST = Latencies.recorder("request");
    private static final Recorder LOAD = Latencies.recorder("load");
    private static final Recorder READ = Latencies.recorder("readAttribute");
    private static final Recorder UPDATE = Latencies.recorder("updateAttribute");
    private static final Recorder TOUCH = Latencies.recorder("touch");
    private static final Recorder CREATE = Latencies.recorder("create");
    private static final Recorder INVALIDATE = Latencies.recorder("invalidate");

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
    public Optional<Map<String, String>> request(StoreState s, Cursor c, Outcomes o, InFlight w) {
        if (w.windowed()) {
            return w.next(s, c, o, REQUEST);
        }
        int i = c.index(s);
        long t0 = System.nanoTime();
        try {
            Optional<Map<String, String>> r = s.store.request(s.ids[i], Workload.CHECKS);
            Latencies.record(REQUEST, System.nanoTime() - t0);
            verify(s, i, r, o);
            return r;
        } catch (StoreException e) {
            o.error(e);
            return Optional.empty();
        }
    }

    /** Counts a miss, or fails the run when session {@code i} read back someone else's data. */
    static void verify(StoreState s, int i, Optional<Map<String, String>> r, Outcomes o) {
        if (r.isEmpty()) {
            o.misses++;
        } else if (!s.expectedAuth[i].equals(r.get().get("auth"))) {
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
    public Optional<Session> load(StoreState s, Cursor c, Outcomes o) {
        int i = c.index(s);
        long t0 = System.nanoTime();
        try {
            Optional<Session> r = s.store.load(s.ids[i]);
            Latencies.record(LOAD, System.nanoTime() - t0);
            if (r.isEmpty()) {
                o.misses++;
            } else if (!s.expectedAuth[i].equals(r.get().attributes().get("auth"))) {
                throw new IllegalStateException(s.layout + " loaded a wrong session for index " + i);
            }
            return r;
        } catch (StoreException e) {
            o.error(e);
            return Optional.empty();
        }
    }

    /**
     * Reads one attribute (HMGET on hashes; the whole value on string and blob layouts; {@code attrs ->> ?} on
     * Postgres), without renewal. Run: {@code java -jar target/benchmarks.jar 'SessionOps.readAttribute$'
     * -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public Optional<String> readAttribute(StoreState s, Cursor c, Outcomes o) {
        return timed(READ, o, () -> {
            Optional<String> r = s.store.attribute(s.ids[c.index(s)], "perms");
            if (r.isEmpty()) {
                o.misses++;
            }
            return r;
        });
    }

    /**
     * Writes one small attribute and renews (HSET script on hashes; read-modify-write with CAS on strings, or plain
     * GET then SET with {@code -p updates=naive}). Each thread writes its own attribute, so an update another thread
     * erased shows up in {@code lostUpdates} after the iteration. Leaves out: retries a caller would make after a
     * {@code Conflict} (counted in {@code conflicts}). Run: {@code java -jar target/benchmarks.jar
     * 'SessionOps.updateAttribute$' -t 2 -p liveSessions=2 -p updates=safe,naive -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public boolean updateAttribute(StoreState s, Cursor c, Outcomes o) {
        int i = c.index(s);
        long value = ++c.counter;
        Boolean ok = timed(UPDATE, o, () -> s.store.setAttribute(s.ids[i], o.field, Long.toHexString(value)));
        if (ok != null && ok) {
            o.wrote(i, value);
        } else if (ok != null) {
            o.misses++;
        }
        return ok != null && ok;
    }

    /**
     * Sliding renewal alone (what a request that reads nothing pays). Run: {@code java -jar target/benchmarks.jar
     * 'SessionOps.touch$' -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public boolean touch(StoreState s, Cursor c, Outcomes o) {
        Boolean ok = timed(TOUCH, o, () -> s.store.touch(s.ids[c.index(s)]));
        if (ok != null && !ok) {
            o.misses++;
        }
        return ok != null && ok;
    }

    /**
     * Login: creates a session for one of the preloaded users, enforcing the cap of 3 atomically (so, once a user has
     * 3, the oldest is evicted). Leaves out: password checking. Run: {@code java -jar target/benchmarks.jar
     * 'SessionOps.create$' -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public SessionId create(StoreState s, Cursor c, Outcomes o) {
        int i = c.index(s);
        Session created = timed(CREATE, o, () -> s.store.create(s.user(i), s.freshAttributes(i)));
        return created == null ? null : created.id();
    }

    /**
     * Logout. JMH's score covers a create plus the invalidate (there must be a session to remove and
     * {@code Level.Invocation} would distort sub-millisecond calls); the latency percentiles cover invalidate alone.
     * Run: {@code java -jar target/benchmarks.jar 'SessionOps.invalidate$' -prof io.sessionbench.metrics.HdrProfiler}.
     */
    @Benchmark
    public boolean invalidate(StoreState s, Cursor c, Outcomes o) {
        int i = c.index(s);
        try {
            SessionId id = s.store.create(s.user(i), s.freshAttributes(i)).id();
            Boolean ok = timed(INVALIDATE, o, () -> s.store.invalidate(id));
            return ok != null && ok;
        } catch (StoreException e) {
            o.error(e);
            return false;
        }
    }

    interface Call<T> {
        T run();
    }

    private static <T> T timed(Recorder r, Outcomes o, Call<T> call) {
        long t0 = System.nanoTime();
        try {
            T result = call.run();
            Latencies.record(r, System.nanoTime() - t0);
            return result;
        } catch (StoreException e) {
            o.error(e);
            return null;
        }
    }
}
