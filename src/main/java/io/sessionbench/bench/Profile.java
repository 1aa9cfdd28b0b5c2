package io.sessionbench.bench;

import io.sessionbench.store.Layout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named run plans: {@code quick} (every layout, about 10 minutes on 2 cores with the build) and {@code full} (for publication).
 * The quick profile has no JMH warm-up iteration: each fork's untimed warm-up ({@code JitWarmup}) already runs until the
 * JIT is quiet and throughput has no trend, and a fixed warm-up iteration after it cost 36 s of the profile's 10 min.
 * Its runs other than the headline {@code request} at 2 KB have one fork of two iterations: one fork is never judged
 * (see the verdict), so more iterations of it only cost time; the headline runs have three forks of four.
 * Iterations are many and short: the per-iteration values are the samples of the bootstrap intervals in the report
 * and in {@code compare}, so more of them buy a tighter interval for the same time.
 */
public enum Profile {
    QUICK(1, 0, 500, 2, 500) {
        @Override
        public List<RunSpec> specs() {
            List<RunSpec> r = new ArrayList<>();
            r.add(new RunSpec("request, every layout", "SessionOps\\.request$",
                    params(ALL_LAYOUTS, "lettuce", "2048", "uniform"), 1, HEADLINE_ITERATIONS, HEADLINE_FORKS));
            r.add(new RunSpec("request, other Redis clients", "SessionOps\\.request$",
                    params(REDIS_LAYOUTS, OTHER_CLIENTS, "2048", "uniform"), 1, HEADLINE_ITERATIONS, HEADLINE_FORKS));
            // The in-process floor runs once, with request; its load/update/create would add 3 forks and no comparison.
            r.add(new RunSpec("per-op, every store", QUICK_OPS, params(STORE_LAYOUTS, "lettuce", "2048", "uniform"), 1));
            r.add(new RunSpec("request, 128 KB sessions", "SessionOps\\.request$",
                    params(STORE_LAYOUTS, "lettuce", "131072", "uniform"), 1));
            addInFlight(r, "8", "lettuce");
            addContention(r, 2, 2);
            return r;
        }
    },
    FULL(3, 3, 2000, 10, 1000) {
        @Override
        public List<RunSpec> specs() {
            List<RunSpec> r = new ArrayList<>();
            r.add(new RunSpec("per-op, every layout and size", PER_OP,
                    params(ALL_LAYOUTS + "," + FULL_ONLY_LAYOUTS, "lettuce", "256,2048,16384,131072,1048576", "uniform,zipfian"), 1));
            r.add(new RunSpec("Redis clients", "SessionOps\\.(request|load|updateAttribute)$",
                    params(REDIS_LAYOUTS, OTHER_CLIENTS, "2048,131072", "uniform"), 1));
            r.add(new RunSpec("request, 4 threads", "SessionOps\\.request$", params(ALL_LAYOUTS, ALL_CLIENTS, "2048", "uniform"), 4));
            addInFlight(r, "4,16,64", "lettuce,redisson");
            addContention(r, 4, 16);
            return r;
        }
    };

    /** Every per-operation benchmark; {@code increment} runs only in the contention runs. */
    static final String PER_OP = "SessionOps\\.(request|load|readAttribute|updateAttribute|touch|create|invalidate)$";
    /** The quick profile's other operations: the whole-session read, a partial write, login (request runs apart). */
    static final String QUICK_OPS = "SessionOps\\.(load|updateAttribute|create)$";
    /**
     * Forks and measurement iterations of the quick profile's headline runs ({@code request} at 2 KB). The verdict ranks
     * backends on their forks, never on one fork's iterations: most of this machine's variance is between forks
     * (results/2026-12-02_dimension), so three forks of four iterations judge better than one of eight.
     */
    static final int HEADLINE_FORKS = 3;
    static final int HEADLINE_ITERATIONS = 4;
    /** The quick profile's layouts, the in-process floor first (it runs first and shows the harness's cost). */
    static final String ALL_LAYOUTS = labels(l -> true);
    /** Every layout of the quick profile that is a real store (the in-process floor left out). */
    static final String STORE_LAYOUTS = labels(l -> !l.floor());
    static final String REDIS_LAYOUTS = labels(Layout::usesRedisClient);
    /** The Redis clients other than the default (Lettuce), which the layout rankings use. */
    static final String OTHER_CLIENTS = String.join(",", java.util.Arrays.stream(io.sessionbench.store.redis.RedisClientKind.values())
            .filter(c -> c != io.sessionbench.store.redis.RedisClientKind.LETTUCE).map(io.sessionbench.store.redis.RedisClientKind::label).toList());
    /** Every Redis client. */
    static final String ALL_CLIENTS = String.join(",", java.util.Arrays.stream(io.sessionbench.store.redis.RedisClientKind.values())
            .map(io.sessionbench.store.redis.RedisClientKind::label).toList());
    /** Field-level updates (redis-hash) beside the read-modify-write layouts that can lose updates. */
    static final String CONTENDED_LAYOUTS = labels(l -> l.usesRedisClient() || l.readModifyWrite());
    /** Layouts only the full profile runs. */
    static final String FULL_ONLY_LAYOUTS = String.join(",", java.util.Arrays.stream(Layout.values())
            .filter(l -> !l.inQuickProfile()).map(Layout::label).toList());

    public final int forks;
    public final int warmupIterations;
    public final int warmupMillis;
    public final int measurementIterations;
    public final int measurementMillis;

    Profile(int forks, int wi, int wms, int mi, int mms) {
        this.forks = forks;
        this.warmupIterations = wi;
        this.warmupMillis = wms;
        this.measurementIterations = mi;
        this.measurementMillis = mms;
    }

    public abstract List<RunSpec> specs();

    /** The measurement iterations of a profile's headline runs. */
    public static int headlineIterations(Profile p) {
        return p.specs().stream().mapToInt(RunSpec::iterations).max().orElse(0) > 0
                ? p.specs().stream().mapToInt(RunSpec::iterations).max().getAsInt() : p.measurementIterations;
    }

    /** The forks of a profile's headline runs. */
    public static int headlineForks(Profile p) {
        return p.specs().stream().mapToInt(s -> s.forksOr(p.forks)).max().orElse(p.forks);
    }

    /** The labels of the quick profile's layouts that {@code keep}, comma-separated, the floor first. */
    private static String labels(java.util.function.Predicate<Layout> keep) {
        return String.join(",", java.util.Arrays.stream(Layout.values()).filter(Layout::inQuickProfile).filter(keep)
                .sorted(java.util.Comparator.comparing((Layout l) -> !l.floor())).map(Layout::label).toList());
    }

    static Map<String, String> params(String layouts, String clients, String sizes, String distributions) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("layout", layouts);
        p.put("client", clients);
        p.put("sessionBytes", sizes);
        p.put("distribution", distributions);
        return p;
    }

    /** {@code request} with {@code inFlight} requests outstanding per thread, on the given async Redis clients and Memcached. */
    static void addInFlight(List<RunSpec> r, String inFlight, String redisClients) {
        Map<String, String> redis = params(REDIS_LAYOUTS, redisClients, "2048", "uniform");
        redis.put("inFlight", inFlight);
        r.add(new RunSpec("request, " + inFlight + " in flight per thread (async Redis clients)", "SessionOps\\.request$", redis, 1));
        Map<String, String> memcached = params("memcached-blob", "lettuce", "2048", "uniform");
        memcached.put("inFlight", inFlight);
        r.add(new RunSpec("request, " + inFlight + " in flight per thread (spymemcached)", "SessionOps\\.request$", memcached, 1));
    }

    /** {@code increment} by {@code threads} threads on {@code sessions} sessions, safe and naive: exact lost updates. */
    static void addContention(List<RunSpec> r, int threads, int sessions) {
        Map<String, String> p = params(CONTENDED_LAYOUTS, "lettuce", "2048", "uniform");
        p.put("updates", "safe,naive");
        p.put("liveSessions", String.valueOf(sessions));
        r.add(new RunSpec("increment, " + threads + " threads on " + sessions + " sessions (lost updates)",
                "SessionOps\\.increment$", p, threads));
    }

    /**
     * One JMH invocation: benchmarks matching {@code include}, with comma-separated parameter values;
     * {@code iterations} and {@code forks} override the profile's when above 0.
     */
    public record RunSpec(String name, String include, Map<String, String> params, int threads, int iterations, int forks) {
        public RunSpec(String name, String include, Map<String, String> params, int threads) {
            this(name, include, params, threads, 0, 0);
        }

        /** This run's forks: its own when it sets them, else the profile's. */
        public int forksOr(int profileForks) {
            return forks > 0 ? forks : profileForks;
        }
    }
}
