package io.sessionbench.bench;

import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.Workload;

import io.sessionbench.infra.Targets;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.redis.RedisClientKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One store and its preloaded sessions for a whole trial: connects at {@code Level.Trial}, creates
 * {@code liveSessions} sessions of {@code sessionBytes} (one user each, so the cap evicts none), and removes them
 * afterwards. Preloading is capped at 512 MB of attributes; {@link #effectiveLiveSessions} says how many were loaded.
 */
@State(Scope.Benchmark)
public class StoreState {
    static final long PRELOAD_BYTES_CAP = 512L * 1024 * 1024;

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

    SessionStore store;
    SessionId[] ids;
    /** {@code auth} value of each preloaded session, built once so the timed check allocates nothing. */
    String[] expectedAuth;
    int[] sequence;
    int effectiveLiveSessions;
    String runTag;
    private Targets targets;
    private final List<IterationTask> iterationEnd = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Setup(Level.Trial)
    public void open() throws Exception {
        Layout l = Layout.of(layout);
        RedisClientKind c = RedisClientKind.of(client);
        Scenario.Updates mode = Scenario.Updates.of(updates);
        targets = BenchTargets.resolve(l);
        store = l.open(targets.endpoints(), new Layout.StoreOptions(c,
                SessionPolicy.DEFAULT.withSafeUpdates(mode == Scenario.Updates.SAFE), 64, false));
        effectiveLiveSessions = (int) Math.max(1, Math.min(liveSessions, PRELOAD_BYTES_CAP / Math.max(1, sessionBytes)));
        runTag = Long.toString(System.nanoTime(), 36);
        ids = new SessionId[effectiveLiveSessions];
        expectedAuth = new String[effectiveLiveSessions];
        for (int i = 0; i < effectiveLiveSessions; i++) {
            expectedAuth[i] = Workload.expectedAuth(i);
        }
        parallel(effectiveLiveSessions, i -> ids[i] = store.create(user(i), Workload.attributes(i, sessionBytes)).id());
        sequence = Workload.sequence(distribution, effectiveLiveSessions, 42);
    }

    String user(int i) {
        return "bench-" + runTag + "-" + i;
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
        try {
            if (store != null && ids != null) {
                parallel(ids.length, i -> {
                    if (ids[i] != null) {
                        store.invalidateAll(user(i));
                    }
                });
            }
        } finally {
            if (store != null) {
                store.close();
            }
            if (targets != null) {
                targets.close();
            }
        }
    }

    interface IndexTask {
        void run(int i) throws Exception;
    }

    /** Runs {@code task} for 0..n-1 on 8 threads: preloading over a network is latency-bound, not CPU-bound. */
    static void parallel(int n, IndexTask task) throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int start = t;
                fs.add(pool.submit(() -> {
                    for (int i = start; i < n; i += threads) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    Map<String, String> freshAttributes(int i) {
        return Workload.attributes(i, sessionBytes);
    }
}
