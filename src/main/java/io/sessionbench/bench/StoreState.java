package io.sessionbench.bench;

import io.sessionbench.metrics.Operation;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.Workload;

import io.sessionbench.infra.Targets;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.redis.RedisClientKind;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One store and its preloaded sessions for a whole trial: connects at {@code Level.Trial} and obtains
 * {@code liveSessions} sessions of {@code sessionBytes} (one user each, so the cap evicts none) from
 * {@link SharedPreload}, which reuses those of an earlier fork of the same run. Preloading is capped at 128 MB of attributes; {@link #effectiveLiveSessions} says how many were loaded.
 */
@State(Scope.Benchmark)
public class StoreState {
    /**
     * At most this many bytes of sessions are preloaded (128 MB: beyond every CPU cache, and small enough that the
     * preload's write-back does not spill into later benchmarks).
     */
    static final long PRELOAD_BYTES_CAP = 128L * 1024 * 1024;

    @Param({"memory", "redis-hash", "redis-json", "redis-blob", "memcached-blob", "postgres"})
    public String layout;

    @Param({"lettuce"})
    public String client;

    @Param({"2048"})
    public int sessionBytes;

    @Param({"10000"})
    public int liveSessions;

    @Param({"uniform"})
    public String distribution;

    /**
     * {@code safe}: read-modify-write layouts (redis-json, redis-blob, memcached-blob) update with compare-and-set;
     * {@code naive}: plain read then write, which loses concurrent updates ({@code lostUpdates} counts them).
     */
    @Param({"safe"})
    public String updates;

    /**
     * Redis key design: {@code session} ({id} per session), {@code user} (the user's slot tag in the id) or
     * {@code namespace} (one slot); {@code bench --key-design} sets it. A parameter, so jmh.json and the histogram
     * names say which design a figure is of (the default is left out of the names, as before it was a parameter).
     */
    @Param({"session"})
    public String keys;

    SessionStore store;
    SessionId[] ids;
    /** {@code auth} value of each preloaded session, built once so the timed check allocates nothing. */
    String[] expectedAuth;
    /** Attributes {@code create} writes (a few distinct ones, reused), built before measurement. */
    Map<String, String>[] fresh;
    int[] sequence;
    int effectiveLiveSessions;
    /** Names this trial (its counter attributes); the preloaded sessions may come from an earlier trial. */
    String runTag;
    Layout parsedLayout;
    private SharedPreload.Sessions sessions;
    private Targets targets;
    private final List<IterationTask> iterationEnd = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Setup(Level.Trial)
    public void open(org.openjdk.jmh.infra.BenchmarkParams bp) throws Exception {
        long setupStart = System.nanoTime();
        double jvmToSetup = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        open();
        // Where a fork's fixed seconds go (scripts/fork-cost.sh reads this line): JVM start, class loading and JMH's
        // own set-up until this state's set-up; then connections and the shared preload.
        System.out.printf(java.util.Locale.ROOT, "sessionbench: fork set-up: %.2f s from JVM start to the benchmark's set-up, "
                + "%.2f s connecting and preloading%n", jvmToSetup, (System.nanoTime() - setupStart) / 1e9);
        String benchmark = bp.getBenchmark();
        String inFlight = bp.getParamsKeys().contains("inFlight") ? bp.getParam("inFlight") : "1";
        System.out.println("sessionbench: " + JitWarmup.run(Operation.of(benchmark.substring(benchmark.lastIndexOf('.') + 1)),
                Integer.parseInt(inFlight), this));
        System.gc();
    }

    /** Connects and preloads (without the JIT warm-up; tests call this directly). */
    @SuppressWarnings("unchecked")
    void open() throws Exception {
        BenchParams.check("layout", layout);
        BenchParams.check("client", client);
        BenchParams.check("sessionBytes", String.valueOf(sessionBytes));
        BenchParams.check("liveSessions", String.valueOf(liveSessions));
        BenchParams.check("distribution", distribution);
        BenchParams.check("updates", updates);
        if (keys == null) {
            keys = "session";
        }
        BenchParams.check("keys", keys);
        parsedLayout = Layout.of(layout);
        RedisClientKind c = RedisClientKind.of(client);
        Scenario.Updates mode = Scenario.Updates.of(updates);
        targets = BenchTargets.resolve(parsedLayout);
        store = parsedLayout.open(targets.endpoints(), BenchParams.withRedisChoices(new Layout.StoreOptions(c,
                SessionPolicy.DEFAULT.withSafeUpdates(mode == Scenario.Updates.SAFE), 64, false), keys));
        effectiveLiveSessions = (int) Math.max(1, Math.min(liveSessions, PRELOAD_BYTES_CAP / Math.max(1, sessionBytes)));
        runTag = Long.toString(System.nanoTime(), 36);
        expectedAuth = new String[effectiveLiveSessions];
        fresh = new Map[Math.min(16, effectiveLiveSessions)];
        for (int i = 0; i < effectiveLiveSessions; i++) {
            expectedAuth[i] = Workload.expectedAuth(i);
        }
        sessions = SharedPreload.obtain(parsedLayout, store, effectiveLiveSessions, sessionBytes);
        ids = sessions.ids();
        sequence = Workload.sequence(distribution, effectiveLiveSessions, 42);
        // Built after the preload so its garbage is gone before measurement; JMH also collects between iterations.
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = Workload.attributes(i, sessionBytes);
        }
    }

    /**
     * The input of {@code op} on preloaded session {@code i}, built before the clock starts: {@code value} is what
     * {@code updateAttribute} writes, {@code counter} the attribute {@code increment} counts in; {@code create} logs in
     * a user of its own with fresh attributes.
     */
    Operation.Input input(Operation op, int i, String value, String counter) {
        return op == Operation.CREATE ? Operation.Input.login(newUser(i), freshAttributes(i))
                : Workload.input(op, ids[i], Workload.UPDATED, value, counter);
    }

    Map<String, String> freshAttributes(int i) {
        return fresh[i % fresh.length];
    }

    String user(int i) {
        return sessions.user(i);
    }

    /** The user {@code create} and {@code invalidate} log in, apart from the preloaded users. */
    String newUser(int i) {
        return sessions.newUser(i);
    }

    /**
     * Work a thread's state must do with the store when an iteration ends (drain requests in flight, check for lost
     * updates). It runs here, in this shared state's iteration teardown, because JMH runs that once after every
     * thread has stopped calling, and before any thread can close the store; a thread-scoped teardown could still be
     * using the store while another thread's trial teardown closes it.
     */
    void atIterationEnd(IterationTask task) {
        iterationEnd.add(task);
    }

    interface IterationTask {
        void run() throws Exception;
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws Exception {
        for (IterationTask t : iterationEnd) {
            t.run();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        long start = System.nanoTime();
        try {
            if (store != null && sessions != null && !sessions.shared()) {
                SharedPreload.remove(store, sessions);
            }
        } finally {
            if (store != null) {
                store.close();
            }
            if (targets != null) {
                targets.close();
            }
            System.out.printf(java.util.Locale.ROOT, "sessionbench: fork tear-down: %.2f s closing the store%n", (System.nanoTime() - start) / 1e9);
        }
    }
}
