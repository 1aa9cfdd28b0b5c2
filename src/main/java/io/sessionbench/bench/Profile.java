package io.sessionbench.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named run plans: {@code quick} (all layouts in a few minutes on 2 cores) and {@code full} (for publication). */
public enum Profile {
    QUICK(1, 1, 1, 3, 1) {
        @Override
        public List<RunSpec> specs() {
            List<RunSpec> r = new ArrayList<>();
            r.add(new RunSpec("per-op, every layout", "SessionOps\\.", params(ALL_LAYOUTS, "lettuce", "2048", "uniform"), 1));
            r.add(new RunSpec("request, other Redis clients", "SessionOps\\.request$",
                    params(REDIS_LAYOUTS, "jedis,redisson", "2048", "uniform"), 1));
            r.add(new RunSpec("request, session sizes", "SessionOps\\.request$",
                    params(ALL_LAYOUTS, "lettuce", "256,131072", "uniform"), 1));
            addInFlight(r, "8");
            addContention(r, 2, 2);
            return r;
        }
    },
    FULL(3, 3, 2, 5, 2) {
        @Override
        public List<RunSpec> specs() {
            List<RunSpec> r = new ArrayList<>();
            r.add(new RunSpec("per-op, every layout and size", "SessionOps\\.",
                    params(ALL_LAYOUTS + ",postgres-unlogged", "lettuce", "256,2048,16384,131072,1048576", "uniform,zipfian"), 1));
            r.add(new RunSpec("Redis clients", "SessionOps\\.(request|load|updateAttribute)$",
                    params(REDIS_LAYOUTS, "jedis,redisson", "2048,131072", "uniform"), 1));
            r.add(new RunSpec("request, 4 threads", "SessionOps\\.request$", params(ALL_LAYOUTS, "lettuce,jedis,redisson", "2048", "uniform"), 4));
            addInFlight(r, "4,16,64");
            addContention(r, 4, 16);
            return r;
        }
    };

    static final String ALL_LAYOUTS = "memory,redis-hash,redis-json,redis-blob,memcached-blob,postgres";
    static final String REDIS_LAYOUTS = "redis-hash,redis-json,redis-blob";
    /** Field-level updates (redis-hash) beside the read-modify-write layouts that can lose updates. */
    static final String CONTENDED_LAYOUTS = "redis-hash,redis-json,redis-blob,memcached-blob";

    public final int forks;
    public final int warmupIterations;
    public final int warmupSeconds;
    public final int measurementIterations;
    public final int measurementSeconds;

    Profile(int forks, int wi, int ws, int mi, int ms) {
        this.forks = forks;
        this.warmupIterations = wi;
        this.warmupSeconds = ws;
        this.measurementIterations = mi;
        this.measurementSeconds = ms;
    }

    public abstract List<RunSpec> specs();

    static Map<String, String> params(String layouts, String clients, String sizes, String distributions) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("layout", layouts);
        p.put("client", clients);
        p.put("sessionBytes", sizes);
        p.put("distribution", distributions);
        return p;
    }

    /** {@code request} with {@code inFlight} requests outstanding per thread, on every async client. */
    static void addInFlight(List<RunSpec> r, String inFlight) {
        Map<String, String> redis = params(REDIS_LAYOUTS, "lettuce,redisson", "2048", "uniform");
        redis.put("inFlight", inFlight);
        r.add(new RunSpec("request, " + inFlight + " in flight per thread (async Redis clients)", "SessionOps\\.request$", redis, 1));
        Map<String, String> memcached = params("memcached-blob", "lettuce", "2048", "uniform");
        memcached.put("inFlight", inFlight);
        r.add(new RunSpec("request, " + inFlight + " in flight per thread (spymemcached)", "SessionOps\\.request$", memcached, 1));
    }

    /** {@code updateAttribute} by {@code threads} threads on {@code sessions} sessions, safe and naive: lost updates. */
    static void addContention(List<RunSpec> r, int threads, int sessions) {
        Map<String, String> p = params(CONTENDED_LAYOUTS, "lettuce", "2048", "uniform");
        p.put("updates", "safe,naive");
        p.put("liveSessions", String.valueOf(sessions));
        r.add(new RunSpec("updateAttribute, " + threads + " threads on " + sessions + " sessions (lost updates)",
                "SessionOps\\.updateAttribute$", p, threads));
    }

    /** One JMH invocation: benchmarks matching {@code include}, with comma-separated parameter values. */
    public record RunSpec(String name, String include, Map<String, String> params, int threads) {
    }
}
