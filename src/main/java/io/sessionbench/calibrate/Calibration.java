package io.sessionbench.calibrate;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.PostgresTarget;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.metrics.Latencies;
import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.store.redis.RedisPort;
import io.sessionbench.store.redis.RedisScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The same single command, on the same servers and data, from the native tool and from Java, so a user sees how much
 * of a figure is client cost: {@code redis-benchmark} {@code HGETALL} against Lettuce and Jedis, {@code pgbench}
 * against JDBC, closed loop, one connection per client thread. The Java clients go through the one measured path.
 * When the servers are local and the machine has at least 2 cores, the servers are pinned to the last core and the
 * clients (this JVM and the native tools) to the others ({@link Pinning}), so the ratio compares clients rather
 * than their fight with the server over one core.
 */
public final class Calibration {
    /** What to run: connection counts, preloaded keys, bytes per key, measured seconds per row. */
    public record Config(List<Integer> connections, int keys, int bytes, int seconds) {
    }

    /** One row: the system and tool, connections, successful ops/s, P50 and P99 in µs. */
    public record Figure(String system, String tool, int connections, double opsPerSec, double p50, double p99) {
    }

    private final int keys;
    private final int bytes;
    private final int seconds;
    private final List<Integer> connections;
    private final Pinning pinning;

    public Calibration(Config config, Pinning pinning) {
        this.keys = config.keys();
        this.bytes = config.bytes();
        this.seconds = config.seconds();
        this.connections = config.connections();
        this.pinning = pinning;
    }

    /** On a cluster: the keys redis-benchmark reads at the current connection count (see {@link #keysRedisBenchmarkReads}); null on one server. */
    private List<byte[]> clusterKeys;
    private io.sessionbench.infra.ClusterTarget cluster;

    /** Preloads both servers and runs every row (on the cluster when {@code endpoints} name one). */
    public List<Figure> run(Endpoints endpoints) throws Exception {
        RedisTarget redis = endpoints.redisServer();
        PostgresTarget pg = endpoints.postgres();
        if (redis == null || pg == null) {
            throw new ConfigException("calibrate needs a Redis (one server or a cluster) and a Postgres target");
        }
        List<Figure> figures = new ArrayList<>();
        if (endpoints.redisCluster().isEmpty()) {
            preloadRedis(redis);
        } else {
            cluster = new io.sessionbench.infra.ClusterTarget(endpoints.redisCluster());
            preloadCluster();
        }
        preloadPostgres(pg);
        pinning.apply();
        for (int c : connections) {
            if (cluster != null) {
                clusterKeys = keysRedisBenchmarkReads(redis, c);
            }
            figures.add(redisBenchmark(redis, c));
            figures.add(javaRedis(redis, RedisClientKind.LETTUCE, c));
            figures.add(lettuceAsync(redis, c));
            figures.add(javaRedis(redis, RedisClientKind.JEDIS, c));
            figures.add(pgbench(pg, c));
            figures.add(jdbc(pg, c));
        }
        return figures;
    }

    /** The Markdown written to {@code calibration.md}. */
    public String markdown(List<Figure> figures, String targets) {
        String data = cluster == null ? keys + " keys of " + bytes + " B"
                : String.format(Locale.ROOT, "Redis Cluster: 16,384 hashes of %d B, one per slot, under the keys redis-benchmark --cluster "
                + "-r 1 sends; at each connection count every tool reads the slots a short redis-benchmark run with those "
                + "connections used (with Redis 7.0's redis-benchmark: the first slot of each primary its clients were given); "
                + "Postgres: %d rows", bytes, keys);
        return "# Calibration against native tools\n\n"
                + "Same servers, same data (" + data + "), closed loop, one connection per client "
                + "thread, " + seconds + " s measured after 2 s warm-up; machine: " + io.sessionbench.report.Environment.machineCores()
                + " cores; targets: " + targets + "; " + pinning.describe() + ".\n\n```\n" + table(figures) + "```\n";
    }

    static String key(int i) {
        return String.format(Locale.ROOT, "cal:{%012d}", i);
    }

    private void preloadRedis(RedisTarget redis) {
        RedisScript hset = preloadScript();
        byte[][] args = preloadArgs();
        try (RedisPort port = RedisClientKind.LETTUCE.open(redis, 1)) {
            for (int i = 0; i < keys; i++) {
                port.eval(hset, new byte[][] {key(i).getBytes(StandardCharsets.UTF_8)}, args);
            }
        }
    }

    private static RedisScript preloadScript() {
        return RedisScript.of("cal-hset", RedisScript.Output.INTEGER,
                "redis.call('DEL', KEYS[1]) return redis.call('HSET', KEYS[1], unpack(ARGV))");
    }

    /** A session-shaped hash of {@code bytes}, as HSET arguments. */
    private byte[][] preloadArgs() {
        Map<String, String> attrs = Workload.attributes(0, bytes);
        byte[][] args = new byte[attrs.size() * 2][];
        int k = 0;
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            args[k++] = e.getKey().getBytes(StandardCharsets.UTF_8);
            args[k++] = e.getValue().getBytes(StandardCharsets.UTF_8);
        }
        return args;
    }

    /** A random key of the preloaded data, as the Java clients read it. */
    private byte[] randomKey() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return clusterKeys == null ? key(r.nextInt(keys)).getBytes(StandardCharsets.UTF_8) : clusterKeys.get(r.nextInt(clusterKeys.size()));
    }

    /** A port with one connection to {@code redis}, or on a cluster one per node (then {@code redis} is not used). */
    private RedisPort open(RedisClientKind client, RedisTarget redis) {
        return cluster == null ? client.open(redis, 1) : client.openCluster(cluster, 1, io.sessionbench.store.redis.ClusterSettings.DEFAULT);
    }

    /**
     * The cluster's data: the key redis-benchmark {@code --cluster} sends for each slot with {@code -r 1}
     * ({@code cal:{T}:000000000000}, {@code T} the slot's tag padded with '}' to 3 characters, as redis-benchmark
     * fills its {@code {tag}} placeholder), one 2 KB hash per slot, written through Lettuce's cluster client.
     */
    private void preloadCluster() {
        RedisScript hset = preloadScript();
        byte[][] args = preloadArgs();
        try (RedisPort port = open(RedisClientKind.LETTUCE, null)) {
            for (int slot = 0; slot < SlotTags.SLOTS; slot++) {
                port.eval(hset, new byte[][] {clusterKey(SlotTags.tag(slot))}, args);
            }
        }
    }

    private static byte[] clusterKey(String tag) {
        StringBuilder t = new StringBuilder(tag);
        while (t.length() < 3) {
            t.append('}');
        }
        return ("cal:{" + t + "}:000000000000").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The keys redis-benchmark {@code --cluster -c c} reads: which slots its clients use depends on its version (Redis
     * 7.0 sends all of a primary's requests to that primary's first slot; later versions pick a random slot per client),
     * so a short run with the same connections writes marker keys, the slots it used are read back by SCAN, and the Java
     * clients then read exactly those slots' hashes. A slot whose tag is not the one preloaded is one line.
     */
    private List<byte[]> keysRedisBenchmarkReads(RedisTarget seed, int c) throws IOException, InterruptedException {
        run(benchmarkCommand(seed, c, 1, Math.max(200, 20 * c), List.of("SET", "calw:{tag}:__rand_int__", "1")), Map.of());
        List<byte[]> keys = new ArrayList<>();
        try (RedisPort port = open(RedisClientKind.LETTUCE, null)) {
            for (byte[] raw : port.scan("calw:*", SlotTags.SLOTS)) { // the cluster port scans every primary
                String marker = new String(raw, StandardCharsets.UTF_8);
                byte[] key = ("cal:" + marker.substring("calw:".length())).getBytes(StandardCharsets.UTF_8);
                String tag = marker.substring(marker.indexOf('{') + 1, marker.indexOf('}'));
                if (!SlotTags.tag(io.lettuce.core.cluster.SlotHash.getSlot(key)).equals(tag)) {
                    throw new ConfigException("redis-benchmark used slot tag '" + tag + "', not the one calibrate preloaded for its "
                            + "slot; this redis-benchmark's slot table differs, so its reads would miss: run calibrate without --topology cluster");
                }
                keys.add(key);
                port.del(raw);
            }
        }
        if (keys.isEmpty()) {
            throw new ConfigException("redis-benchmark --cluster wrote no marker key on " + seed.redacted() + "; check it runs against the cluster");
        }
        return keys;
    }

    /**
     * redis-benchmark against {@code redis} ({@code --cluster} on a cluster), {@code c} connections, keys drawn from
     * {@code range}, {@code n} requests, with the target's password and TLS.
     */
    private List<String> benchmarkCommand(RedisTarget redis, int c, int range, int n, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of(io.sessionbench.infra.Programs.binary("redis-benchmark"), "-h", redis.host(),
                "-p", String.valueOf(redis.port()), "-c", String.valueOf(c), "-r", String.valueOf(range),
                "-n", String.valueOf(n), "--csv"));
        if (cluster != null) {
            cmd.add("--cluster");
        }
        if (redis.password().isPresent()) {
            cmd.addAll(List.of("-a", redis.password().value()));
            if (!redis.user().isEmpty()) {
                cmd.addAll(List.of("--user", redis.user()));
            }
        }
        if (redis.tls()) {
            // the same TLS as the Java clients: the target's CA (and client certificate when given)
            cmd.add("--tls");
            if (redis.files() != null && redis.files().ca() != null) {
                cmd.addAll(List.of("--cacert", redis.files().ca().toString()));
            }
            if (redis.files() != null && redis.files().cert() != null) {
                cmd.addAll(List.of("--cert", redis.files().cert().toString(), "--key", redis.files().key().toString()));
            }
        }
        cmd.addAll(command);
        return cmd;
    }

    private Figure redisBenchmark(RedisTarget redis, int c) throws IOException, InterruptedException {
        List<String> cmd = cluster == null
                ? benchmarkCommand(redis, c, keys, Math.max(20000, 30000 * seconds * c), List.of("HGETALL", "cal:{__rand_int__}"))
                : benchmarkCommand(redis, c, 1, Math.max(20000, 30000 * seconds * c), List.of("HGETALL", "cal:{tag}:__rand_int__"));
        String out = run(cmd, Map.of());
        for (String line : out.split("\n")) {
            if (line.startsWith("\"HGETALL")) {
                String[] f = line.replace("\"", "").split(",");
                // test, rps, avg, min, p50, p95, p99, max (ms)
                return new Figure("redis HGETALL", "redis-benchmark", c, Double.parseDouble(f[f.length - 7]),
                        Double.parseDouble(f[f.length - 4]) * 1000, Double.parseDouble(f[f.length - 2]) * 1000);
            }
        }
        throw new ConfigException("redis-benchmark printed no HGETALL line: " + out.lines().findFirst().orElse(""));
    }

    private Figure javaRedis(RedisTarget redis, RedisClientKind client, int c) throws Exception {
        List<RedisPort> ports = new ArrayList<>();
        try {
            for (int i = 0; i < c; i++) {
                ports.add(open(client, redis));
            }
            return closedLoop("redis HGETALL", client.label() + " (sessionbench)", c, i -> {
                byte[] k = randomKey();
                return () -> {
                    Map<?, ?> m = ports.get(i).hgetall(k);
                    if (m.isEmpty()) {
                        throw new IllegalStateException("calibration hash missing");
                    }
                    return m;
                };
            });
        } finally {
            ports.forEach(RedisPort::close);
        }
    }

    /**
     * Lettuce the way redis-benchmark drives Redis: {@code c} connections with one command in flight each, the next
     * sent from the reply's callback, no thread per connection. Each connection's callbacks run on one event loop
     * thread, so its histogram and count need no locking.
     */
    private Figure lettuceAsync(RedisTarget redis, int c) throws Exception {
        List<RedisPort> ports = new ArrayList<>();
        try {
            for (int i = 0; i < c; i++) {
                ports.add(open(RedisClientKind.LETTUCE, redis));
            }
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            long end = warmEnd + seconds * 1_000_000_000L;
            Latencies book = new Latencies(false);
            MeasuredCall measured = afterWarmUp(book, warmEnd);
            java.util.concurrent.CompletableFuture<?>[] done = new java.util.concurrent.CompletableFuture<?>[c];
            for (int i = 0; i < c; i++) {
                done[i] = new java.util.concurrent.CompletableFuture<Void>();
                sendNext(ports.get(i), measured, end, done[i]);
            }
            java.util.concurrent.CompletableFuture.allOf(done).get(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS);
            return figure("redis HGETALL", "lettuce async (sessionbench)", c, book);
        } finally {
            ports.forEach(RedisPort::close);
        }
    }

    /** Sends one HGETALL through the measured path and the next from its reply's callback, until {@code end}. */
    private void sendNext(RedisPort port, MeasuredCall measured, long end, java.util.concurrent.CompletableFuture<?> done) {
        byte[] k = randomKey();
        measured.callAsync(Operation.LOAD, () -> port.hgetallAsync(k)).whenComplete((r, e) -> {
            if (e != null || r.isEmpty()) {
                done.completeExceptionally(e != null ? e : new IllegalStateException("calibration hash missing"));
            } else if (System.nanoTime() < end) {
                sendNext(port, measured, end, done);
            } else {
                done.complete(null);
            }
        });
    }

    private void preloadPostgres(PostgresTarget pg) throws SQLException {
        try (Connection c = connect(pg); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS sessionbench_calibration (id int PRIMARY KEY, attrs jsonb NOT NULL)");
            st.execute("TRUNCATE sessionbench_calibration");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sessionbench_calibration VALUES (?, ?::jsonb)")) {
                for (int i = 0; i < keys; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Workload.attributes(i, bytes)));
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            c.commit();
            st.execute("ANALYZE sessionbench_calibration");
        }
    }

    private static Connection connect(PostgresTarget pg) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", pg.user());
        p.setProperty("password", pg.password().value());
        return DriverManager.getConnection(pg.jdbcUrl(), p);
    }

    private Figure pgbench(PostgresTarget pg, int c) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sessionbench-pgbench");
        Path script = dir.resolve("select.sql");
        Files.writeString(script, "\\set id random(0, " + (keys - 1) + ")\nSELECT attrs FROM sessionbench_calibration WHERE id = :id;\n");
        java.net.URI u = java.net.URI.create(pg.jdbcUrl().substring(5));
        List<String> cmd = List.of(io.sessionbench.infra.Programs.postgresTool("pgbench"), "-h", u.getHost(), "-p", String.valueOf(u.getPort()),
                "-U", pg.user(), "-n", "-M", "prepared", "-c", String.valueOf(c), "-j", String.valueOf(Math.min(c, 2)),
                "-T", String.valueOf(seconds + 2), "-f", script.toString(), "--log", "--log-prefix=" + dir.resolve("pgb"),
                u.getPath().substring(1));
        String out = run(cmd, Map.of("PGPASSWORD", pg.password().value()));
        Histogram h = new Histogram(Latencies.MAX_NANOS, 3);
        long skipBefore = 0;
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("pgb")).toList()) {
                for (String line : Files.readAllLines(log)) {
                    String[] f = line.split(" ");
                    long epoch = Long.parseLong(f[4]);
                    if (skipBefore == 0) {
                        skipBefore = epoch + 2;
                    }
                    if (epoch >= skipBefore) {
                        h.recordValue(Long.parseLong(f[2]) * 1000);
                    }
                }
            }
        }
        double tps = Double.NaN;
        for (String line : out.split("\n")) {
            if (line.startsWith("tps = ")) {
                tps = Double.parseDouble(line.substring(6, line.indexOf(' ', 6)));
            }
        }
        return new Figure("postgres SELECT by id", "pgbench", c, tps, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0);
    }

    private Figure jdbc(PostgresTarget pg, int c) throws Exception {
        List<Connection> conns = new ArrayList<>();
        List<PreparedStatement> stmts = new ArrayList<>();
        try {
            for (int i = 0; i < c; i++) {
                Connection conn = connect(pg);
                conns.add(conn);
                stmts.add(conn.prepareStatement("SELECT attrs FROM sessionbench_calibration WHERE id = ?"));
            }
            return closedLoop("postgres SELECT by id", "JDBC (sessionbench)", c, i -> {
                int id = ThreadLocalRandom.current().nextInt(keys);
                return () -> {
                    PreparedStatement ps = stmts.get(i);
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("calibration row missing");
                        }
                        return rs.getString(1);
                    }
                };
            });
        } finally {
            for (Connection conn : conns) {
                conn.close();
            }
        }
    }

    interface Op {
        Object run() throws Exception;
    }

    interface OpFactory {
        Op next(int thread);
    }

    /**
     * {@code c} threads, each on its own connection, calling back to back through the one measured path
     * ({@link MeasuredCall}, as operation {@code load}: a whole-session read): warm-up, then the measured window.
     */
    private Figure closedLoop(String system, String tool, int c, OpFactory ops) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(c);
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        Latencies book = new Latencies(false);
        MeasuredCall measured = afterWarmUp(book, warmEnd);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < c; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        Op op = ops.next(thread);
                        measured.call(Operation.LOAD, () -> {
                            try {
                                return op.run();
                            } catch (RuntimeException e) {
                                throw e;
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
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
        return figure(system, tool, c, book);
    }

    /** A measured path that records only calls sent after the warm-up. */
    private static MeasuredCall afterWarmUp(Latencies book, long warmEnd) {
        return new MeasuredCall((op, outcome, type, intended, sent, done) -> {
            if (sent >= warmEnd) {
                book.record(op, outcome, type, intended, sent, done);
            }
        });
    }

    /** Throughput of successful calls over the measured seconds and P50/P99 of their histogram; failures end the run. */
    private Figure figure(String system, String tool, int c, Latencies book) {
        if (book.errorTotal() > 0) {
            throw new ConfigException(tool + " failed during calibration: " + book.errors());
        }
        Histogram total = new Histogram(Latencies.MAX_NANOS, 3);
        book.intervals().forEach(total::add);
        return new Figure(system, tool, c, book.ok() / (double) seconds, total.getValueAtPercentile(50) / 1000.0,
                total.getValueAtPercentile(99) / 1000.0);
    }

    private String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(pinning.clientCommand(cmd)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new ConfigException(cmd.get(0) + " failed (exit " + p.exitValue() + "): "
                    + RedisTarget.redactUri(out.lines().reduce((a, b) -> b).orElse("")));
        }
        return out;
    }

    public static String table(List<Figure> figures) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-22s %-26s %5s %12s %10s %10s %12s%n",
                "system", "tool", "conns", "ops/s", "P50 µs", "P99 µs", "vs native"));
        double nativeOps = Double.NaN;
        for (Figure f : figures) {
            boolean isNative = f.tool().equals("redis-benchmark") || f.tool().equals("pgbench");
            if (isNative) {
                nativeOps = f.opsPerSec();
            }
            b.append(String.format(Locale.ROOT, "%-22s %-26s %5d %12.0f %10.1f %10.1f %12s%n", f.system(), f.tool(),
                    f.connections(), f.opsPerSec(), f.p50(), f.p99(),
                    isNative ? "1.00" : String.format(Locale.ROOT, "%.2f", f.opsPerSec() / nativeOps)));
        }
        return b.toString();
    }
}
