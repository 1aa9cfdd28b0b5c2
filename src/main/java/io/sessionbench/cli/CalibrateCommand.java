package io.sessionbench.cli;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.PostgresTarget;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.Targets;
import io.sessionbench.metrics.Latencies;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.store.redis.RedisPort;
import io.sessionbench.store.redis.RedisScript;
import io.sessionbench.scenario.Workload;
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
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code calibrate}: the same single command, on the same servers and data, from the native tool and from Java, so a
 * user sees how much of a figure is client cost: {@code redis-benchmark} {@code HGETALL} against Lettuce and Jedis,
 * {@code pgbench} against JDBC, closed loop, one connection per client thread.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Run redis-benchmark and pgbench beside sessionbench's raw Java clients on the same data; print ratios.")
final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    TargetOptions targets;

    @Option(names = "--connections", split = ",", defaultValue = "1,8", description = "connection counts (default ${DEFAULT-VALUE})")
    List<Integer> connections;

    @Option(names = "--keys", defaultValue = "10000", description = "hashes/rows preloaded (default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--bytes", defaultValue = "2048", description = "bytes per hash/row (default ${DEFAULT-VALUE})")
    int bytes;

    @Option(names = "--seconds", defaultValue = "5", description = "measured seconds per run, after 2 s of warm-up (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of the calibration results")
    Path resultsRoot;

    @Option(names = "--stack-dir", defaultValue = "target/stack", description = "folder for local servers")
    Path stackDir;

    record Figure(String system, String tool, int connections, double opsPerSec, double p50, double p99) {
    }

    @Override
    public Integer call() throws Exception {
        List<Figure> figures = new ArrayList<>();
        try (Targets t = Targets.resolve(targets.settings(), System.getenv(),
                EnumSet.of(LocalStack.Server.REDIS, LocalStack.Server.POSTGRES), stackDir)) {
            RedisTarget redis = t.endpoints().redis();
            PostgresTarget pg = t.endpoints().postgres();
            if (redis == null || pg == null) {
                throw new ConfigException("calibrate needs a standalone Redis and a Postgres target");
            }
            preloadRedis(redis);
            preloadPostgres(pg);
            for (int c : connections) {
                figures.add(redisBenchmark(redis, c));
                figures.add(javaRedis(redis, RedisClientKind.LETTUCE, c));
                figures.add(lettuceAsync(redis, c));
                figures.add(javaRedis(redis, RedisClientKind.JEDIS, c));
                figures.add(pgbench(pg, c));
                figures.add(jdbc(pg, c));
            }
        }
        String table = table(figures);
        System.out.print(table);
        Path out = resultsRoot.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmm")) + "_calibration");
        Files.createDirectories(out);
        Files.writeString(out.resolve("calibration.md"), "# Calibration against native tools\n\n"
                + "Same servers, same data (" + keys + " keys of " + bytes + " B), closed loop, one connection per client "
                + "thread, " + seconds + " s measured after 2 s warm-up; machine: " + Runtime.getRuntime().availableProcessors()
                + " cores, client and servers on loopback.\n\n```\n" + table + "```\n");
        System.out.println("calibration: " + out.resolve("calibration.md"));
        return 0;
    }

    static String key(int i) {
        return String.format(Locale.ROOT, "cal:{%012d}", i);
    }

    private void preloadRedis(RedisTarget redis) {
        RedisScript hset = RedisScript.of("cal-hset", RedisScript.Output.INTEGER,
                "redis.call('DEL', KEYS[1]) return redis.call('HSET', KEYS[1], unpack(ARGV))");
        try (RedisPort port = RedisClientKind.LETTUCE.open(redis, 1)) {
            for (int i = 0; i < keys; i++) {
                Map<String, String> attrs = Workload.attributes(i, bytes);
                byte[][] args = new byte[attrs.size() * 2][];
                int k = 0;
                for (Map.Entry<String, String> e : attrs.entrySet()) {
                    args[k++] = e.getKey().getBytes(StandardCharsets.UTF_8);
                    args[k++] = e.getValue().getBytes(StandardCharsets.UTF_8);
                }
                port.eval(hset, new byte[][] {key(i).getBytes(StandardCharsets.UTF_8)}, args);
            }
        }
    }

    private Figure redisBenchmark(RedisTarget redis, int c) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LocalStack.binary("redis-benchmark"), "-h", redis.host(),
                "-p", String.valueOf(redis.port()), "-c", String.valueOf(c), "-r", String.valueOf(keys),
                "-n", String.valueOf(Math.max(20000, 30000 * seconds * c)), "--csv"));
        if (redis.password().isPresent()) {
            cmd.addAll(List.of("-a", redis.password().value()));
            if (!redis.user().isEmpty()) {
                cmd.addAll(List.of("--user", redis.user()));
            }
        }
        cmd.addAll(List.of("HGETALL", "cal:{__rand_int__}"));
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
                ports.add(client.open(redis, 1));
            }
            return closedLoop("redis HGETALL", client.label() + " (sessionbench)", c, i -> {
                byte[] k = key(ThreadLocalRandom.current().nextInt(keys)).getBytes(StandardCharsets.UTF_8);
                return () -> {
                    if (ports.get(i).hgetall(k).isEmpty()) {
                        throw new IllegalStateException("calibration hash missing");
                    }
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
                ports.add(RedisClientKind.LETTUCE.open(redis, 1));
            }
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            long end = warmEnd + seconds * 1_000_000_000L;
            Histogram[] hs = new Histogram[c];
            long[] counts = new long[c];
            java.util.concurrent.CompletableFuture<?>[] done = new java.util.concurrent.CompletableFuture<?>[c];
            for (int i = 0; i < c; i++) {
                hs[i] = new Histogram(Latencies.MAX_NANOS, 3);
                done[i] = new java.util.concurrent.CompletableFuture<Void>();
                sendNext(ports.get(i), hs[i], counts, i, warmEnd, end, done[i]);
            }
            java.util.concurrent.CompletableFuture.allOf(done).get(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS);
            return figure("redis HGETALL", "lettuce async (sessionbench)", c, java.util.Arrays.asList(hs), counts);
        } finally {
            ports.forEach(RedisPort::close);
        }
    }

    private void sendNext(RedisPort port, Histogram h, long[] counts, int i, long warmEnd, long end,
                          java.util.concurrent.CompletableFuture<?> done) {
        byte[] k = key(ThreadLocalRandom.current().nextInt(keys)).getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        port.hgetallAsync(k).whenComplete((r, e) -> {
            long t1 = System.nanoTime();
            if (e != null || r.isEmpty()) {
                done.completeExceptionally(e != null ? e : new IllegalStateException("calibration hash missing"));
                return;
            }
            if (t0 >= warmEnd) {
                h.recordValue(t1 - t0);
                counts[i]++;
            }
            if (t1 < end) {
                sendNext(port, h, counts, i, warmEnd, end, done);
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
        List<String> cmd = List.of(LocalStack.postgresTool("pgbench"), "-h", u.getHost(), "-p", String.valueOf(u.getPort()),
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
                        rs.getString(1);
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
        void run() throws Exception;
    }

    interface OpFactory {
        Op next(int thread);
    }

    /** {@code c} threads, each on its own connection, calling back to back: warm-up, then the measured window. */
    private Figure closedLoop(String system, String tool, int c, OpFactory ops) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(c);
        List<Histogram> hs = new ArrayList<>();
        long[] counts = new long[c];
        try {
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            long end = warmEnd + seconds * 1_000_000_000L;
            List<Future<Histogram>> fs = new ArrayList<>();
            for (int t = 0; t < c; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    Histogram h = new Histogram(Latencies.MAX_NANOS, 3);
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        Op op = ops.next(thread);
                        long t0 = System.nanoTime();
                        op.run();
                        long t1 = System.nanoTime();
                        if (now >= warmEnd) {
                            h.recordValue(t1 - t0);
                            counts[thread]++;
                        }
                    }
                    return h;
                }));
            }
            for (Future<Histogram> f : fs) {
                hs.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        return figure(system, tool, c, hs, counts);
    }

    /** Throughput over the measured seconds and P50/P99 of the merged per-connection histograms. */
    private Figure figure(String system, String tool, int c, List<Histogram> hs, long[] counts) {
        Histogram total = new Histogram(Latencies.MAX_NANOS, 3);
        hs.forEach(total::add);
        long n = java.util.Arrays.stream(counts).sum();
        return new Figure(system, tool, c, n / (double) seconds, total.getValueAtPercentile(50) / 1000.0,
                total.getValueAtPercentile(99) / 1000.0);
    }

    private static String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new ConfigException(cmd.get(0) + " failed (exit " + p.exitValue() + "): "
                    + RedisTarget.redactUri(out.lines().reduce((a, b) -> b).orElse("")));
        }
        return out;
    }

    static String table(List<Figure> figures) {
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
