package io.sessionbench.bench;

import io.sessionbench.metrics.Operation;
import io.sessionbench.store.Layout;
import io.sessionbench.store.Target;
import io.sessionbench.store.redis.RedisClientKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named run plans: {@code quick} (every layout, about 10 minutes on 2 cores with the build) and {@code full} (for publication).
 * The quick profile runs in interleaved rounds ({@code run.Rounds}): three forks of every benchmark a table judges, each
 * of two half-second iterations after the untimed warm-up ({@code JitWarmup}, which runs until the JIT is quiet and
 * throughput has no trend, so no JMH warm-up iteration follows it). Most of this machine's variance is between forks
 * (results/2026-12-02_dimension), a fork's fixed cost is 3–6 s against 1 s measured (results/2026-12-06_fork-cost), and
 * the verdict judges on forks with their noise pooled across the run: so the seconds go to forks, three per benchmark,
 * not to iterations. The in-process floor is not ranked and runs one fork; the contention runs count lost updates
 * (exact counts, not speeds) and run one fork each.
 */
public enum Profile {
    QUICK(3, 0, 500, 2, 500) {
        @Override
        public List<RunSpec> specs() {
            List<RunSpec> r = new ArrayList<>();
            r.add(new RunSpec("request, every store", REQUEST, STORE_LAYOUTS, List.of(LETTUCE), List.of(2048), UNIFORM, Map.of(), 1));
            r.add(new RunSpec("request, the in-process floor", REQUEST, FLOOR, List.of(LETTUCE), List.of(2048), UNIFORM, Map.of(),
                    1, 0, 1));
            r.add(new RunSpec("request, other Redis clients", REQUEST, REDIS_LAYOUTS, OTHER_CLIENTS, List.of(2048), UNIFORM, Map.of(), 1));
            r.add(new RunSpec("per-op, every store", QUICK_OPS, STORE_LAYOUTS, List.of(LETTUCE), List.of(2048), UNIFORM, Map.of(), 1));
            r.add(new RunSpec("request, 128 KB sessions", REQUEST, STORE_LAYOUTS, List.of(LETTUCE), List.of(131072), UNIFORM, Map.of(), 1));
            addInFlight(r, "8", List.of(LETTUCE));
            addContention(r, 2, 2, 1);
            return r;
        }
    },
    FULL(3, 3, 2000, 10, 1000) {
        @Override
        public List<RunSpec> specs() {
            List<RunSpec> r = new ArrayList<>();
            List<Layout> every = new ArrayList<>(ALL_LAYOUTS);
            every.addAll(FULL_ONLY_LAYOUTS);
            r.add(new RunSpec("per-op, every layout and size", PER_OP, every, List.of(LETTUCE), List.of(256, 2048, 16384, 131072, 1048576),
                    List.of("uniform", "zipfian"), Map.of(), 1));
            r.add(new RunSpec("Redis clients", List.of(Operation.REQUEST, Operation.LOAD, Operation.UPDATE_ATTRIBUTE), REDIS_LAYOUTS,
                    OTHER_CLIENTS, List.of(2048, 131072), UNIFORM, Map.of(), 1));
            r.add(new RunSpec("request, 4 threads", REQUEST, ALL_LAYOUTS, List.of(RedisClientKind.values()), List.of(2048), UNIFORM, Map.of(), 4));
            addInFlight(r, "4,16,64", RedisClientKind.asyncClients());
            addContention(r, 4, 16, 0);
            return r;
        }
    };

    private static final RedisClientKind LETTUCE = RedisClientKind.LETTUCE;
    private static final List<String> UNIFORM = List.of("uniform");
    private static final List<Operation> REQUEST = List.of(Operation.REQUEST);
    /** Every per-operation benchmark; {@code increment} runs only in the contention runs. */
    static final List<Operation> PER_OP = List.of(Operation.REQUEST, Operation.LOAD, Operation.READ_ATTRIBUTE,
            Operation.UPDATE_ATTRIBUTE, Operation.TOUCH, Operation.CREATE, Operation.INVALIDATE);
    /**
     * The quick profile's other operations: a partial write and login (request, which reads the session, runs apart).
     * The whole-session {@code load} is in the full profile: three forks of it on every store cost 85 s of the quick
     * profile's 10 minutes (results/2026-12-06_fork-cost).
     */
    static final List<Operation> QUICK_OPS = List.of(Operation.UPDATE_ATTRIBUTE, Operation.CREATE);
    /** The in-process floor alone. */
    static final List<Layout> FLOOR = layouts(Layout::floor);
    /** The quick profile's layouts, the in-process floor first (it runs first and shows the harness's cost). */
    static final List<Layout> ALL_LAYOUTS = layouts(l -> true);
    /** Every layout of the quick profile that is a real store (the in-process floor left out). */
    static final List<Layout> STORE_LAYOUTS = layouts(l -> !l.floor());
    static final List<Layout> REDIS_LAYOUTS = layouts(Layout::usesRedisClient);
    /** The Redis clients other than the default (Lettuce), which the layout rankings use. */
    static final List<RedisClientKind> OTHER_CLIENTS = Arrays.stream(RedisClientKind.values()).filter(c -> c != LETTUCE).toList();
    /** Field-level updates (redis-hash) beside the read-modify-write layouts that can lose updates. */
    static final List<Layout> CONTENDED_LAYOUTS = layouts(l -> l.usesRedisClient() || l.readModifyWrite());
    /** Layouts only the full profile runs. */
    static final List<Layout> FULL_ONLY_LAYOUTS = Arrays.stream(Layout.values()).filter(l -> !l.inQuickProfile()).toList();

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

    /** The quick profile's layouts that {@code keep}, the floor first. */
    private static List<Layout> layouts(java.util.function.Predicate<Layout> keep) {
        return Arrays.stream(Layout.values()).filter(Layout::inQuickProfile).filter(keep)
                .sorted(java.util.Comparator.comparing((Layout l) -> !l.floor())).toList();
    }

    /** {@code request} with {@code inFlight} requests outstanding per thread, on the given async Redis clients and Memcached. */
    static void addInFlight(List<RunSpec> r, String inFlight, List<RedisClientKind> redisClients) {
        r.add(new RunSpec("request, " + inFlight + " in flight per thread (async Redis clients)", REQUEST, REDIS_LAYOUTS, redisClients,
                List.of(2048), UNIFORM, Map.of("inFlight", inFlight), 1));
        r.add(new RunSpec("request, " + inFlight + " in flight per thread (spymemcached)", REQUEST, List.of(Layout.MEMCACHED_BLOB),
                List.of(LETTUCE), List.of(2048), UNIFORM, Map.of("inFlight", inFlight), 1));
    }

    /** {@code increment} by {@code threads} threads on {@code sessions} sessions, safe and naive: exact lost updates. */
    static void addContention(List<RunSpec> r, int threads, int sessions, int forks) {
        Map<String, String> other = new LinkedHashMap<>();
        other.put("updates", "safe,naive");
        other.put("liveSessions", String.valueOf(sessions));
        r.add(new RunSpec("increment, " + threads + " threads on " + sessions + " sessions (lost updates)",
                List.of(Operation.INCREMENT), CONTENDED_LAYOUTS, List.of(LETTUCE), List.of(2048), UNIFORM, other, threads, 0, forks));
    }

    /**
     * One JMH invocation: the {@code SessionOps} methods of {@code operations} over every combination of layouts,
     * clients, session sizes, distributions and the {@code other} JMH parameters (comma-separated values);
     * {@code iterations} and {@code forks} override the profile's when above 0.
     */
    public record RunSpec(String name, List<Operation> operations, List<Layout> layouts, List<RedisClientKind> clients,
                          List<Integer> sizes, List<String> distributions, Map<String, String> other, int threads, int iterations,
                          int forks) {
        public RunSpec {
            operations = List.copyOf(operations);
            layouts = List.copyOf(layouts);
            clients = List.copyOf(clients);
            sizes = List.copyOf(sizes);
            distributions = List.copyOf(distributions);
            other = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(other));
        }

        public RunSpec(String name, List<Operation> operations, List<Layout> layouts, List<RedisClientKind> clients,
                       List<Integer> sizes, List<String> distributions, Map<String, String> other, int threads) {
            this(name, operations, layouts, clients, sizes, distributions, other, threads, 0, 0);
        }

        /** This run's forks: its own when it sets them, else the profile's. */
        public int forksOr(int profileForks) {
            return forks > 0 ? forks : profileForks;
        }

        /** JMH's include pattern: exactly these benchmark methods. */
        public String include() {
            return "io\\.sessionbench\\.bench\\.SessionOps\\.(" + String.join("|", operations.stream().map(Operation::label).toList()) + ")$";
        }

        /** JMH's parameters, in this order: layout, client, sessionBytes, distribution, then the others. */
        public Map<String, List<String>> params() {
            Map<String, List<String>> p = new LinkedHashMap<>();
            p.put("layout", layouts.stream().map(Layout::label).toList());
            p.put("client", clients.stream().map(RedisClientKind::label).toList());
            p.put("sessionBytes", sizes.stream().map(String::valueOf).toList());
            p.put("distribution", distributions);
            other.forEach((k, v) -> p.put(k, List.of(v.split(","))));
            return p;
        }

        /** Each layout with the clients it runs on: Redis layouts every client of this run, the others one (the default). */
        public List<Target> targets() {
            List<Target> t = new ArrayList<>();
            for (Layout l : layouts) {
                for (RedisClientKind c : l.usesRedisClient() ? clients : List.of(LETTUCE)) {
                    t.add(new Target(l, c));
                }
            }
            return t;
        }

        public RunSpec withLayouts(List<Layout> l) {
            return new RunSpec(name, operations, l, clients, sizes, distributions, other, threads, iterations, forks);
        }

        public RunSpec withOperations(List<Operation> o) {
            return new RunSpec(name, o, layouts, clients, sizes, distributions, other, threads, iterations, forks);
        }

        public RunSpec withOther(Map<String, String> o) {
            return new RunSpec(name, operations, layouts, clients, sizes, distributions, o, threads, iterations, forks);
        }

        public RunSpec withThreads(int t) {
            return new RunSpec(name, operations, layouts, clients, sizes, distributions, other, t, iterations, forks);
        }
    }
}
