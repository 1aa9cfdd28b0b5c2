package io.sessionbench.loadgen;

import io.lettuce.core.cluster.SlotHash;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.metrics.ClusterLoad;
import io.sessionbench.metrics.ClusterLoad.NodeLine;
import io.sessionbench.metrics.Latencies;
import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import io.sessionbench.metrics.RedisServerView;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.redis.KeyDesign;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.text.MarkdownTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;

/**
 * Claim C10: what a big session costs the <em>other</em> sessions on its primary while its slot migrates. One slot
 * holds a big session in one of three shapes ({@link Shape}); it is moved to another primary and back, {@code rounds}
 * times, the way {@code redis-cli --cluster reshard} moves a slot (SETSLOT IMPORTING/MIGRATING, GETKEYSINSLOT,
 * MIGRATE, SETSLOT NODE), while a probe sends session requests at a fixed rate to small sessions that live on the
 * big session's first primary. Each probe request goes through the one measured path with its intended start, so
 * a request held up behind a MIGRATE is recorded with the wait (no coordinated omission), and it is booked by its
 * intended start: while the slot leaves the probed primary (source), while it comes back (the probed primary
 * restores it), or quiet.
 */
public final class SlotMigration {
    /** How the big session is stored in its slot. */
    public enum Shape {
        /** Control: a 2 KB value alone in the slot (the fixed cost of moving a slot). */
        SMALL,
        /** One hash key holding every part as a field: one MIGRATE carries the whole session. */
        HASH,
        /** One string key per part, all with the same hash tag ({@code {big}:part-0}, …): one slot, many small MIGRATEs. */
        SUBKEYS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code bytes} of the big session in {@code parts} parts; {@code rounds} moves out and back; the probe's
     * {@code rate} per second over {@code sessions} small sessions; {@code keysPerMigrate} keys per MIGRATE (redis-cli's
     * {@code --cluster-pipeline}, default 10); {@code quietMillis} between moves; during the first {@code warmupMillis}
     * one untimed move out and back runs and the probe is not booked (JIT, connections, the first SETSLOT).
     */
    public record Config(int bytes, int parts, int rounds, double rate, int sessions, int keysPerMigrate, long quietMillis,
                         long warmupMillis) {
        public Config {
            if (parts < 1 || bytes < parts) {
                throw new ConfigException("--bytes " + bytes + " cannot be split into --parts " + parts + "; give at least one byte per part");
            }
        }
    }

    /** One slot move: keys moved, MIGRATE calls, the whole move and its longest MIGRATE. */
    public record Move(boolean out, int keys, int calls, long nanos, long longestMigrateNanos) {
    }

    /** What the probe saw in one phase: requests, errors, and the corrected latency of all of them. */
    public record Phase(long requests, long errors, Histogram corrected) {
    }

    /** One shape's run; {@code scheduled}: probe requests due after the warm-up, each booked in exactly one phase. */
    public record Result(Shape shape, int keys, long bytes, List<Move> moves, Phase leaving, Phase arriving, Phase quiet, long scheduled,
                         Gc gc) {
    }

    /** The probe JVM's garbage collections while the probe was booked: a client-side pause shows up in every phase. */
    public record Gc(long count, long millis) {
        static Gc now() {
            long[] gc = io.sessionbench.metrics.NoiseProbe.gcCountAndMillis();
            return new Gc(gc[0], gc[1]);
        }

        Gc since(Gc start) {
            return new Gc(count - start.count, millis - start.millis);
        }
    }

    /** The key tag of the big session; {@link #HASH_KEY} and the sub-keys share its slot. */
    static final String TAG = "{c10big}";
    static final String HASH_KEY = "c10:" + TAG + ":session";

    private final Config config;
    private final List<RedisTarget> seeds;
    private final Endpoints endpoints;

    public SlotMigration(Config config, Endpoints endpoints) {
        if (endpoints.redisCluster().isEmpty()) {
            throw new ConfigException("slot-migration needs a Redis Cluster: run with --topology cluster or give --redis-cluster");
        }
        this.config = config;
        this.endpoints = endpoints;
        this.seeds = endpoints.redisCluster();
    }

    /** The slot the big session lives in. */
    public static int slot() {
        return SlotHash.getSlot(HASH_KEY);
    }

    /** Runs every shape in turn; the slot ends where it started and the big session's keys are deleted. */
    public List<Result> run(List<Shape> shapes, java.io.PrintStream progress) throws InterruptedException {
        List<NodeLine> nodes = nodes();
        int slot = slot();
        NodeLine home = nodes.stream().filter(n -> n.livePrimary() && n.owns(slot)).findFirst()
                .orElseThrow(() -> new ConfigException("no primary of " + seeds.get(0).redacted() + " serves slot " + slot
                        + "; check that every slot is covered (redis-cli --cluster check)"));
        NodeLine away = nodes.stream().filter(n -> n.livePrimary() && !n.id().equals(home.id())).findFirst()
                .orElseThrow(() -> new ConfigException("the cluster has one primary; slot migration needs at least two"));
        try (SessionStore store = Layout.REDIS_HASH.open(endpoints, new Layout.StoreOptions(RedisClientKind.LETTUCE,
                SessionPolicy.DEFAULT, 2, false).withKeys(KeyDesign.USER))) {
            List<SessionId> probed = sessionsOn(store, home, slot);
            progress.printf(Locale.ROOT, "slot-migration: slot %d on %s, moved to %s and back; probing %d sessions on %s at %.0f/s%n",
                    slot, home.address(), away.address(), probed.size(), home.address(), config.rate());
            List<Result> results = new ArrayList<>();
            for (Shape shape : shapes) {
                results.add(runShape(shape, store, probed, home, away, slot, progress));
            }
            return results;
        }
    }

    private List<NodeLine> nodes() {
        return ClusterLoad.clusterNodes(seeds).map(e -> ClusterLoad.parse(e.getValue()))
                .orElseThrow(() -> new ConfigException("no seed of " + seeds.get(0).redacted() + " answered CLUSTER NODES; "
                        + "check the addresses and the password"));
    }

    /** Creates small sessions until {@code config.sessions()} of them live on {@code home} (none in the big slot). */
    private List<SessionId> sessionsOn(SessionStore store, NodeLine home, int bigSlot) {
        List<SessionId> out = new ArrayList<>();
        Map<String, String> attrs = Workload.attributes(0, 2048);
        for (int i = 0; out.size() < config.sessions(); i++) {
            if (i > config.sessions() * 50) {
                throw new ConfigException("could not place " + config.sessions() + " sessions on " + home.address()
                        + "; does it hold any slots?");
            }
            SessionId id = store.create("c10-user-" + i, attrs).id();
            int s = SlotHash.getSlot(KeyDesign.USER.sessionKey("s", id));
            if (s != bigSlot && home.owns(s)) {
                out.add(id);
            }
        }
        return out;
    }

    private Result runShape(Shape shape, SessionStore store, List<SessionId> probed, NodeLine home, NodeLine away, int slot,
                            java.io.PrintStream progress) throws InterruptedException {
        RedisTarget homeNode = home.target(seeds.get(0));
        int keys = write(shape, homeNode);
        System.gc(); // the big session's values were built in this JVM; collect them before the probe runs (as JMH's -gc true)
        Probe probe = new Probe(store, probed, config.rate());
        Thread t = new Thread(probe, "sessionbench-c10-probe");
        List<Move> moves = new ArrayList<>();
        List<Jedis> open = new ArrayList<>();
        Gc gcAtStart = Gc.now();
        Gc gc;
        try {
            // one connection per primary, opened before the moves so that no move is timed with a connect
            Map<String, Jedis> primaries = new java.util.LinkedHashMap<>();
            for (NodeLine n : nodes()) {
                if (n.livePrimary()) {
                    Jedis j = RedisServerView.connect(n.target(seeds.get(0)));
                    open.add(j);
                    primaries.put(n.id(), j);
                }
            }
            t.start();
            // warm-up, not booked: the probe's path, and one move out and back (the migrate path's first run)
            Thread.sleep(config.warmupMillis() / 2);
            migrate(slot, home, away, primaries, true);
            migrate(slot, away, home, primaries, false);
            Thread.sleep(config.warmupMillis() / 2);
            probe.startBooking();
            gcAtStart = Gc.now();
            Thread.sleep(config.quietMillis());
            for (int r = 0; r < config.rounds(); r++) {
                moves.add(probe.during(true, () -> migrate(slot, home, away, primaries, true)));
                Thread.sleep(config.quietMillis());
                moves.add(probe.during(false, () -> migrate(slot, away, home, primaries, false)));
                Thread.sleep(config.quietMillis());
            }
        } finally {
            probe.stop();
            if (t.isAlive()) {
                t.join();
            }
            gc = Gc.now().since(gcAtStart);
            open.forEach(Jedis::close);
            delete(homeNode);
        }
        Result result = new Result(shape, keys, (long) (shape == Shape.SMALL ? 2048 : config.bytes()), moves,
                probe.phase(probe.leaving), probe.phase(probe.arriving), probe.phase(probe.quiet), probe.scheduled, gc);
        progress.println("  " + line(result));
        return result;
    }

    /** Writes the big session in {@code shape} on its primary; returns the number of keys. */
    private int write(Shape shape, RedisTarget node) {
        int part = config.bytes() / config.parts();
        try (Jedis j = RedisServerView.connect(node)) {
            switch (shape) {
                case SMALL -> j.set("c10:" + TAG + ":small", "x".repeat(2048));
                case HASH -> {
                    for (int i = 0; i < config.parts(); i++) {
                        j.hset(HASH_KEY, "part-" + i, value(i, part));
                    }
                }
                case SUBKEYS -> {
                    for (int i = 0; i < config.parts(); i++) {
                        j.set("c10:" + TAG + ":part-" + i, value(i, part));
                    }
                }
                default -> throw new IllegalStateException(shape.name());
            }
            return (int) j.clusterCountKeysInSlot(slot());
        }
    }

    private static String value(int i, int bytes) {
        StringBuilder b = new StringBuilder(bytes);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (b.length() < bytes) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }

    private static void delete(RedisTarget node) {
        try (Jedis j = RedisServerView.connect(node)) {
            List<String> left = j.clusterGetKeysInSlot(slot(), 10_000);
            if (!left.isEmpty()) {
                j.del(left.toArray(String[]::new));
            }
        }
    }

    /**
     * Moves {@code slot} from {@code from} to {@code to} as redis-cli's reshard does: IMPORTING on the target,
     * MIGRATING on the source, MIGRATE of {@code keysPerMigrate} keys at a time until the slot is empty, then SETSLOT
     * NODE on target, source and every other primary ({@code primaries}: an open connection per primary id).
     */
    Move migrate(int slot, NodeLine from, NodeLine to, Map<String, Jedis> primaries, boolean out) {
        Jedis src = primaries.get(from.id());
        Jedis dst = primaries.get(to.id());
        RedisTarget target = to.target(seeds.get(0));
        MigrateParams auth = target.password().isPresent()
                ? (target.user().isEmpty() ? MigrateParams.migrateParams().auth(target.password().value())
                : MigrateParams.migrateParams().auth2(target.user(), target.password().value()))
                : MigrateParams.migrateParams();
        long start = System.nanoTime();
        int keys = 0;
        int calls = 0;
        long longest = 0;
        dst.clusterSetSlotImporting(slot, from.id());
        src.clusterSetSlotMigrating(slot, to.id());
        for (List<String> batch = src.clusterGetKeysInSlot(slot, config.keysPerMigrate()); !batch.isEmpty();
             batch = src.clusterGetKeysInSlot(slot, config.keysPerMigrate())) {
            long t0 = System.nanoTime();
            src.migrate(target.host(), target.port(), 10_000, auth, batch.toArray(String[]::new));
            longest = Math.max(longest, System.nanoTime() - t0);
            keys += batch.size();
            calls++;
        }
        dst.clusterSetSlotNode(slot, to.id());
        src.clusterSetSlotNode(slot, to.id());
        primaries.forEach((id, j) -> {
            if (!id.equals(from.id()) && !id.equals(to.id())) {
                j.clusterSetSlotNode(slot, to.id());
            }
        });
        return new Move(out, keys, calls, System.nanoTime() - start, longest);
    }

    /** The conditions written above the table: machine, servers, probe, client and how the slot moves. */
    public String conditions(boolean localStack) {
        String version;
        try (Jedis j = RedisServerView.connect(seeds.get(0))) {
            version = io.sessionbench.infra.RedisInfo.version(j.info("server"));
        }
        return String.format(Locale.ROOT, "Machine: %d cores (client and servers share them). Redis %s Cluster, %s (%s). Big session: "
                        + "%,d B in %d parts, slot %d. Each round moves the slot to another primary and back with SETSLOT "
                        + "IMPORTING/MIGRATING, MIGRATE of up to %d keys per call, SETSLOT NODE (as redis-cli --cluster reshard); "
                        + "%d rounds, %d ms quiet between moves. Probe (not booked during a %d ms warm-up with one untimed move out and back): one thread, %.0f session requests/s (redis-hash, Lettuce, "
                        + "user-tagged keys, 2 KB sessions) to %d sessions on the big session's first primary, timed from each "
                        + "request's intended start (no coordinated omission), booked by that start.",
                io.sessionbench.report.Environment.machineCores(), version, localStack ? "6 nodes started here (3 primaries + 3 replicas)"
                        : "given target", seeds.get(0).redacted(), config.bytes(), config.parts(), slot(), config.keysPerMigrate(),
                config.rounds(), config.quietMillis(), config.warmupMillis(), config.rate(), config.sessions());
    }

    /** The results as Markdown: conditions, then one row per shape. */
    public static String markdown(List<Result> results, String conditions) {
        StringBuilder b = new StringBuilder("# Slot migration with a big session (claim C10)\n\n").append(conditions).append("\n\n");
        MarkdownTable t = new MarkdownTable().text("shape").number("keys").text("move: median / max").text("longest MIGRATE: median / max")
                .text("probe while the slot leaves its primary: n, P50 / P99 / max").text("while it comes back: n, P50 / P99 / max")
                .text("quiet: n, P50 / P99 / max").number("probe errors").number("probe JVM GC: n, ms");
        for (Result r : results) {
            t.row(r.shape().label(), r.keys(), ms(median(r.moves(), false)) + " / " + ms(max(r.moves(), false)),
                    ms(median(r.moves(), true)) + " / " + ms(max(r.moves(), true)), cell(r.leaving()), cell(r.arriving()), cell(r.quiet()),
                    r.leaving().errors() + r.arriving().errors() + r.quiet().errors(), r.gc().count() + ", " + r.gc().millis());
        }
        b.append(t);
        b.append("\nLatencies are of every probe request (successes, errors and requests never started), from the intended start. "
                + "A phase with n under a few hundred has a P99 close to its maximum. A garbage collection in the probe's JVM delays every request "
                + "queued behind it, in whichever phase it falls; the GC column counts those while the probe was booked. Histograms: `<shape>-<phase>.hgrm`.\n");
        return b.toString();
    }

    private static String cell(Phase p) {
        Histogram h = p.corrected();
        return String.format(Locale.ROOT, "%,d: %s / %s / %s", p.requests(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()));
    }

    /** {@code <shape>-leaving|arriving|quiet.hgrm} per shape, in microseconds like the other .hgrm files. */
    public static void writeHistograms(List<Result> results, java.nio.file.Path dir) {
        for (Result r : results) {
            io.sessionbench.metrics.HistogramFiles.writeHgrm(r.leaving().corrected(), dir.resolve(r.shape().label() + "-leaving.hgrm"));
            io.sessionbench.metrics.HistogramFiles.writeHgrm(r.arriving().corrected(), dir.resolve(r.shape().label() + "-arriving.hgrm"));
            io.sessionbench.metrics.HistogramFiles.writeHgrm(r.quiet().corrected(), dir.resolve(r.shape().label() + "-quiet.hgrm"));
        }
    }

    /** One line per shape for the console. */
    public static String line(Result r) {
        return String.format(Locale.ROOT, "%-8s %3d keys  move median %s  longest MIGRATE %s  | P99 leaving %s arriving %s quiet %s | max leaving %s quiet %s | GC %d, %d ms",
                r.shape().label(), r.keys(), ms(median(r.moves(), false)), ms(median(r.moves(), true)),
                ms(r.leaving().corrected().getValueAtPercentile(99)), ms(r.arriving().corrected().getValueAtPercentile(99)),
                ms(r.quiet().corrected().getValueAtPercentile(99)), ms(r.leaving().corrected().getMaxValue()),
                ms(r.quiet().corrected().getMaxValue()), r.gc().count(), r.gc().millis());
    }

    static long max(List<Move> moves, boolean longestMigrate) {
        return moves.stream().mapToLong(m -> longestMigrate ? m.longestMigrateNanos() : m.nanos()).max().orElse(0);
    }

    static long median(List<Move> moves, boolean longestMigrate) {
        long[] v = moves.stream().mapToLong(m -> longestMigrate ? m.longestMigrateNanos() : m.nanos()).sorted().toArray();
        return v.length == 0 ? 0 : v[v.length / 2];
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    /**
     * Session requests at a fixed rate from one thread; each is booked by its intended start into the phase that
     * start falls in (none before {@link #startBooking()}). Requests due but not started when the probe stops are recorded as not started.
     */
    private static final class Probe implements Runnable {
        private record Window(boolean out, long start, AtomicLong end) {
            boolean covers(long t) {
                return t >= start && t <= end.get();
            }
        }

        final Latencies leaving = new Latencies(true);
        final Latencies arriving = new Latencies(true);
        final Latencies quiet = new Latencies(true);
        private final Latencies warmup = new Latencies(true);
        private volatile long measureFrom = Long.MAX_VALUE;
        /** Intended starts at or after {@code measureFrom}, written by the probe thread, read after it ends. */
        long scheduled;
        private final List<Window> windows = new CopyOnWriteArrayList<>();
        private final SessionStore store;
        private final List<SessionId> ids;
        private final long period;
        private final MeasuredCall measured;
        private volatile boolean stopped;

        Probe(SessionStore store, List<SessionId> ids, double rate) {
            this.store = store;
            this.ids = ids;
            this.period = (long) (1e9 / rate);
            this.measured = new MeasuredCall(new MeasuredCall.Sink() {
                @Override
                public void record(Operation op, io.sessionbench.metrics.Outcome outcome, String type, long intended, long sent, long done) {
                    book(intended).record(op, outcome, type, intended, sent, done);
                }
            });
        }

        private Latencies book(long intended) {
            if (intended < measureFrom) {
                return warmup;
            }
            // windows are added in time order: look from the newest back to the first that started before this request
            for (int i = windows.size() - 1; i >= 0; i--) {
                Window w = windows.get(i);
                if (w.start() <= intended) {
                    return w.covers(intended) ? (w.out() ? leaving : arriving) : quiet;
                }
            }
            return quiet;
        }

        /** Books every request intended from now on. */
        void startBooking() {
            measureFrom = System.nanoTime();
        }

        /** Runs {@code move} as a window of the given direction. */
        Move during(boolean out, java.util.function.Supplier<Move> move) {
            Window w = new Window(out, System.nanoTime(), new AtomicLong(Long.MAX_VALUE));
            windows.add(w);
            try {
                return move.get();
            } finally {
                w.end().set(System.nanoTime());
            }
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            while (!stopped) {
                long now = System.nanoTime();
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                if (next >= measureFrom) {
                    scheduled++;
                }
                SessionId id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                measured.call(Operation.REQUEST, next, store, Workload.input(Operation.REQUEST, id, null, null, null));
                next += period;
            }
            long end = System.nanoTime();
            for (; next <= end; next += period) {
                if (next >= measureFrom) {
                    scheduled++;
                }
                book(next).notStarted(next, end);
            }
        }

        Phase phase(Latencies l) {
            Histogram h = l.intervals().stream().filter(x -> "all.corrected".equals(x.getTag())).findFirst()
                    .orElseGet(Latencies::histogram);
            return new Phase(h.getTotalCount(), l.errorTotal(), h);
        }
    }
}
