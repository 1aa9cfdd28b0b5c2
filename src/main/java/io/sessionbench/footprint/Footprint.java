package io.sessionbench.footprint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.report.Stats;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionStore;
import io.sessionbench.text.MarkdownTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a session costs to keep (DESIGN.md's "footprint"): per layout and session size, the server's own memory for
 * {@code N} sessions written through the store (after the writes, and again after a workload that read and renewed each
 * once and updated each once), the bytes and encoding of sampled sessions as the server keeps them, the server CPU per
 * {@code request}, and (Postgres) the WAL per request and the dead rows the updates left. Every figure is the server's:
 * {@code INFO}, {@code MEMORY USAGE} and {@code OBJECT ENCODING} on Redis; {@code stats} and {@code stats slabs} on
 * Memcached; relation sizes, {@code pg_column_size}, the WAL position and {@code pg_stat_user_tables} on Postgres,
 * whose CPU is read from {@code /proc} when it runs on this machine. Nothing is configured on a server this run did not
 * start; the sessions written are removed afterwards.
 */
public final class Footprint {
    /** The cart attribute's filler: random letters (incompressible, as real data mostly is) or the benchmarks' repeated 'x'. */
    public enum Fill {
        RANDOM, REPEATED;

        public static Fill of(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "random" -> RANDOM;
                case "repeated" -> REPEATED;
                default -> throw new ConfigException("--fill '" + s + "': use random (incompressible) or repeated (the benchmarks' 'xxx…')");
            };
        }

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param sessions   sessions written at 2 KB; at other sizes as many as hold the same bytes, 50 at least
     * @param capacitySessions sessions alive in the capacity table
     * @param capacityRps      requests per second in the capacity table
     * @param owned      the servers this run started (only on those is a setting changed, and put back)
     */
    public record Settings(List<Layout> layouts, List<Integer> sizes, int sessions, Fill fill, long capacitySessions, long capacityRps,
                           Set<io.sessionbench.infra.LocalStack.Server> owned) {
        public Settings {
            owned = owned.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(owned));
        }

        boolean ownRedis() {
            return owned.contains(io.sessionbench.infra.LocalStack.Server.REDIS);
        }

        boolean ownPostgres() {
            return owned.contains(io.sessionbench.infra.LocalStack.Server.POSTGRES);
        }

        int sessionsAt(int size) {
            return (int) Math.max(Math.min(sessions, 200), Math.min(sessions, (long) sessions * 2048 / Math.max(1, size)));
        }

        /** Requests timed for the server's CPU: as many as sessions written at 2 KB, cycling over the sessions. */
        int requests() {
            return sessions;
        }
    }

    /**
     * One layout (and variant) at one size. Bytes per session: the server's memory growth over the sessions written,
     * after the writes and after the workload; sampled: the server's bytes of single sessions, median, 10th and 90th
     * percentile; NaN where not read.
     */
    public record Row(String layout, String variant, int sessionBytes, int sessions, double attributeBytes, double bytesAfterWrite,
                      double bytesAfterWorkload, double sampledMedian, double sampledP10, double sampledP90, String encoding,
                      double cpuMicrosPerRequest, String cpuSource, double walBytesPerRequest, long deadRows, long deadRowsAfterVacuum,
                      List<String> unread) {
        /** Bytes kept per session: after the workload when read, else after the writes. */
        public double bytesPerSession() {
            return Double.isNaN(bytesAfterWorkload) ? bytesAfterWrite : Math.max(bytesAfterWrite, bytesAfterWorkload);
        }

        public double sessionsPerGiB() {
            return bytesPerSession() > 0 ? (1L << 30) / bytesPerSession() : Double.NaN;
        }

        /** Bytes kept over the attribute bytes themselves (1.0: no overhead). */
        public double overhead() {
            return bytesPerSession() / attributeBytes;
        }

        public String name() {
            return variant.isEmpty() ? layout : layout + " (" + variant + ")";
        }

        /**
         * This row marked as measured after an earlier size on the same Postgres tables: they hold space the earlier
         * sessions freed (deleted, vacuumed), which the new ones reuse, so the growth after the writes understates.
         * (Memcached counts used chunks only, Redis its allocations: neither has this.)
         */
        Row reusing() {
            List<String> u = new ArrayList<>(unread);
            u.add(size(sessionBytes) + " measured after an earlier size on the same tables: space it freed was reused, so the "
                    + "growth after the writes understates (the sampled row size does not)");
            return new Row(layout, variant, sessionBytes, sessions, attributeBytes, bytesAfterWrite, bytesAfterWorkload, sampledMedian,
                    sampledP10, sampledP90, encoding, cpuMicrosPerRequest, cpuSource, walBytesPerRequest, deadRows, deadRowsAfterVacuum, u);
        }
    }

    /** Sessions written at 2 KB by the quick profile's footprint (≤ 30 s for every layout at 2 KB and 128 KB here). */
    public static final int QUICK_SESSIONS = 1000;
    /** The capacity table's default workload. */
    public static final long CAPACITY_SESSIONS = 1_000_000;
    public static final long CAPACITY_RPS = 10_000;

    private final Settings s;
    private final PrintStream log;

    /** The servers this run started (on those, and only those, a setting may be changed and put back). */
    public static Set<io.sessionbench.infra.LocalStack.Server> owned(io.sessionbench.infra.Targets t) {
        Set<io.sessionbench.infra.LocalStack.Server> out = java.util.EnumSet.noneOf(io.sessionbench.infra.LocalStack.Server.class);
        t.localServers().forEach(r -> out.add(r.server()));
        return out;
    }

    /** The store's processes on this machine by server (Postgres' CPU is read from them). */
    public static Map<io.sessionbench.infra.LocalStack.Server, List<Long>> pidsByServer(io.sessionbench.metrics.ServerProcesses p) {
        Map<io.sessionbench.infra.LocalStack.Server, List<Long>> by = new java.util.EnumMap<>(io.sessionbench.infra.LocalStack.Server.class);
        p.members().forEach(m -> by.computeIfAbsent(m.server(), k -> new ArrayList<>()).add(m.pid()));
        return by;
    }

    public Footprint(Settings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
    }

    /** Measures every layout at every size against {@code e}; the store's processes here ({@code serverPids}) give Postgres' CPU. */
    public List<Row> measure(Endpoints e, Map<io.sessionbench.infra.LocalStack.Server, List<Long>> serverPids) {
        long t0 = System.nanoTime();
        try {
            return measureAll(e, serverPids);
        } finally {
            seconds = (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Wall seconds the last {@link #measure} took (written to footprint.json: what it adds to a run). */
    private double seconds = Double.NaN;

    private List<Row> measureAll(Endpoints e, Map<io.sessionbench.infra.LocalStack.Server, List<Long>> serverPids) {
        List<Row> rows = new ArrayList<>();
        for (int size : s.sizes()) {
            for (Layout layout : s.layouts()) {
                if (layout.server().isEmpty()) {
                    continue; // the in-process floor keeps nothing on a server
                }
                List<Long> pids = serverPids.getOrDefault(layout.server().get(), List.of());
                compactOwnPostgres(layout, e, pids);
                rows.add(one(layout, "", size, e, pids));
                if (layout == Layout.REDIS_HASH) {
                    listpackVariant(size, e, pids).ifPresent(rows::add);
                }
                if (layout == Layout.POSTGRES) {
                    fillfactorVariant(size, e, pids).ifPresent(rows::add);
                }
            }
        }
        return rows;
    }

    /**
     * redis-hash again with {@code hash-max-listpack-value} raised above the session's largest field, so the hash stays a
     * listpack: only on a Redis this run started, the setting put back afterwards; at sizes whose largest field is above
     * 16 KB not tried (a listpack that long costs every access a scan).
     */
    private java.util.Optional<Row> listpackVariant(int size, Endpoints e, List<Long> pids) {
        int largest = Workload.attributes(0, size).values().stream().mapToInt(String::length).max().orElse(0);
        if (!s.ownRedis() || largest > 16384) {
            return java.util.Optional.empty();
        }
        try (Meter.Redis r = new Meter.Redis(e, Layout.REDIS_HASH)) {
            String before = r.config("hash-max-listpack-value");
            if (before == null) {
                log.println("footprint: redis-hash listpack variant skipped: CONFIG GET refused");
                return java.util.Optional.empty();
            }
            r.configSet("hash-max-listpack-value", String.valueOf(largest + 1));
            try {
                return java.util.Optional.of(one(Layout.REDIS_HASH, "hash-max-listpack-value " + (largest + 1), size, e, pids));
            } finally {
                r.configSet("hash-max-listpack-value", before);
            }
        }
    }

    /** The fillfactor the Postgres variant leaves: 30 % of each page free for the next version of a row. */
    static final int FILLFACTOR = 70;

    /**
     * postgres again with the session table's {@code fillfactor} at {@value #FILLFACTOR}, so a renewal's new row version
     * may stay on its page (a HOT update, when no indexed column changes) instead of moving to another: only on a
     * Postgres this run started (its table rewritten compactly first, as before every Postgres row there); the setting
     * is put back afterwards.
     */
    private java.util.Optional<Row> fillfactorVariant(int size, Endpoints e, List<Long> pids) {
        if (!s.ownPostgres()) {
            return java.util.Optional.empty();
        }
        compactOwnPostgres(Layout.POSTGRES, e, pids);
        try (Meter.Postgres pg = new Meter.Postgres(e.postgres(), false, pids)) {
            String before = pg.fillfactor();
            if (!pg.setFillfactor(String.valueOf(FILLFACTOR))) {
                log.println("footprint: postgres fillfactor variant skipped: " + String.join("; ", pg.unread));
                return java.util.Optional.empty();
            }
            try {
                return java.util.Optional.of(one(Layout.POSTGRES, "fillfactor " + FILLFACTOR, size, e, pids));
            } finally {
                pg.setFillfactor(before);
            }
        }
    }

    /**
     * On a Postgres this run started, the layout's table rewritten compactly ({@code VACUUM FULL}) before it is measured,
     * so no row reuses space an earlier measurement (or benchmark) freed and the rows compare; on a server you gave,
     * nothing is rewritten and a row measured after another size says so ({@link Row#reusing}).
     */
    private void compactOwnPostgres(Layout layout, Endpoints e, List<Long> pids) {
        if (!s.ownPostgres() || layout.server().orElse(null) != io.sessionbench.infra.LocalStack.Server.POSTGRES) {
            return;
        }
        try (Meter.Postgres pg = new Meter.Postgres(e.postgres(), layout == Layout.POSTGRES_UNLOGGED, pids)) {
            if (pg.compact()) {
                measured.remove(layout);
            } else {
                log.println("footprint: " + layout.label() + ": " + String.join("; ", pg.unread));
            }
        }
    }

    /** Layouts already measured in this run: their tables (Postgres) or slabs (Memcached) hold space freed by then. */
    private final java.util.Set<Layout> measured = java.util.EnumSet.noneOf(Layout.class);

    private Row one(Layout layout, String variant, int size, Endpoints e, List<Long> pids) {
        int n = s.sessionsAt(size);
        long t0 = System.nanoTime();
        String run = Long.toString(ProcessHandle.current().pid(), 36) + Long.toString(System.nanoTime() % 1_000_000, 36);
        List<SessionId> ids = new ArrayList<>();
        Map<String, String> probe = attributes(0, size);
        double attributeBytes = probe.entrySet().stream().mapToInt(x -> x.getKey().length() + x.getValue().length()).sum();
        Set<String> encodings = new LinkedHashSet<>();
        try (Meter m = Meter.of(layout, e, pids)) {
            double m0 = m.memory();
            try (SessionStore store = layout.open(e, Layout.StoreOptions.DEFAULT)) {
                try {
                    for (int i = 0; i < n; i++) {
                        Session created = store.create("fp-" + run + "-" + i, attributes(i, size));
                        ids.add(created.id());
                    }
                    double m1 = m.memory();
                    double[] sampled = m.sample(ids.subList(0, Math.min(ids.size(), 30)), n, encodings);
                    double cpu0 = m.cpuSeconds();
                    double wal0 = m.walBytes();
                    int requests = Math.max(n, s.requests());
                    for (int r = 0; r < requests; r++) {
                        store.request(ids.get(r % n), Workload.CHECKS);
                    }
                    double cpu1 = m.cpuSeconds();
                    double wal1 = m.walBytes();
                    for (SessionId id : ids) {
                        store.setAttribute(id, Workload.UPDATED, Long.toHexString(Double.doubleToLongBits(Math.random())));
                    }
                    store.close(); // Postgres: the pool's backends exit and flush their counts of dead rows
                    double m2 = m.memory();
                    long[] dead = m.deadRows();
                    Row row = new Row(layout.label(), variant, size, n, attributeBytes, (m1 - m0) / n, (m2 - m0) / n,
                            sampled.length == 0 ? Double.NaN : Stats.median(sampled), Stats.percentileOf(sampled, 10),
                            Stats.percentileOf(sampled, 90), String.join("; ", encodings),
                            1e6 * (cpu1 - cpu0) / requests, m.cpuSource(), (wal1 - wal0) / requests, dead == null ? -1 : dead[0],
                            dead == null ? -1 : dead[1], List.copyOf(m.unread));
                    log.printf(Locale.ROOT, "footprint: %-44s %7s × %,6d  %,10.0f B/session  %s  %.1f s%n", row.name(), size(size), n,
                            row.bytesPerSession(), row.encoding(), (System.nanoTime() - t0) / 1e9);
                    m.unread.forEach(u -> log.println("footprint: " + layout.label() + ": " + u));
                    if (!measured.add(layout) && layout.server().get() == io.sessionbench.infra.LocalStack.Server.POSTGRES) {
                        row = row.reusing();
                    }
                    return row;
                } finally {
                    removeSessions(layout, e, ids);
                }
            }
        } catch (Exception ex) {
            throw ex instanceof RuntimeException r ? r : new IllegalStateException(ex.getMessage(), ex);
        }
    }

    /** Removes what this measurement wrote (a store of its own: the measuring one is closed by then). */
    private static void removeSessions(Layout layout, Endpoints e, List<SessionId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (SessionStore store = layout.open(e, Layout.StoreOptions.DEFAULT)) {
            for (SessionId id : ids) {
                store.invalidate(id);
            }
        } catch (Exception ex) {
            System.err.println("sessionbench: footprint could not remove its " + ids.size() + " sessions from " + layout.label() + ": "
                    + Meter.firstLine(ex));
        }
    }

    /** The benchmarks' session of {@code size} bytes, its cart filled as {@link Settings#fill} says. */
    Map<String, String> attributes(int i, int size) {
        Map<String, String> a = new LinkedHashMap<>(Workload.attributes(i, size));
        if (s.fill() == Fill.RANDOM) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(i);
            char[] c = new char[a.get("cart").length()];
            for (int k = 0; k < c.length; k++) {
                c[k] = (char) ('a' + r.nextInt(26));
            }
            a.put("cart", new String(c));
        }
        return a;
    }

    static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KB" : bytes + " B";
    }

    /** footprint.json, footprint.csv and footprint.md in {@code out}; returns the Markdown. */
    public String write(List<Row> rows, Path out) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("fill", s.fill().word());
        root.put("sessionsAt2KB", s.sessions());
        root.put("capacitySessions", s.capacitySessions());
        root.put("capacityRequestsPerSecond", s.capacityRps());
        if (!Double.isNaN(seconds)) {
            root.put("seconds", Math.round(seconds * 10) / 10.0);
        }
        ArrayNode a = root.putArray("rows");
        StringBuilder csv = new StringBuilder("layout,variant,session_bytes,sessions,attribute_bytes,bytes_after_write,bytes_after_workload,"
                + "sampled_median,sampled_p10,sampled_p90,encoding,server_cpu_us_per_request,cpu_source,wal_bytes_per_request,dead_rows,"
                + "dead_rows_after_vacuum\n");
        for (Row r : rows) {
            ObjectNode o = a.addObject();
            o.put("layout", r.layout()).put("variant", r.variant()).put("sessionBytes", r.sessionBytes()).put("sessions", r.sessions())
                    .put("attributeBytes", r.attributeBytes()).put("bytesAfterWrite", r.bytesAfterWrite())
                    .put("bytesAfterWorkload", r.bytesAfterWorkload()).put("sampledMedian", r.sampledMedian())
                    .put("sampledP10", r.sampledP10()).put("sampledP90", r.sampledP90()).put("encoding", r.encoding())
                    .put("serverCpuMicrosPerRequest", r.cpuMicrosPerRequest()).put("cpuSource", r.cpuSource())
                    .put("walBytesPerRequest", r.walBytesPerRequest()).put("deadRows", r.deadRows())
                    .put("deadRowsAfterVacuum", r.deadRowsAfterVacuum());
            r.unread().forEach(o.putArray("unread")::add);
            csv.append(String.join(",", r.layout(), csvText(r.variant()), String.valueOf(r.sessionBytes()), String.valueOf(r.sessions()),
                    num(r.attributeBytes()), num(r.bytesAfterWrite()), num(r.bytesAfterWorkload()), num(r.sampledMedian()),
                    num(r.sampledP10()), num(r.sampledP90()), csvText(r.encoding()), num(r.cpuMicrosPerRequest()), csvText(r.cpuSource()),
                    num(r.walBytesPerRequest()), String.valueOf(r.deadRows()), String.valueOf(r.deadRowsAfterVacuum()))).append('\n');
        }
        String md = markdown(rows);
        m.writerWithDefaultPrettyPrinter().writeValue(out.resolve("footprint.json").toFile(), root);
        Files.writeString(out.resolve("footprint.csv"), csv.toString());
        Files.writeString(out.resolve("footprint.md"), md);
        return md;
    }

    /** The rows of a {@code footprint.json} (a footprint run's, or a bench run's that measured it). */
    public static List<Row> read(Path json) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = new ObjectMapper().readTree(json.toFile());
            List<Row> rows = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode r : root.path("rows")) {
                List<String> unread = new ArrayList<>();
                r.path("unread").forEach(u -> unread.add(u.asText()));
                rows.add(new Row(r.path("layout").asText(), r.path("variant").asText(), r.path("sessionBytes").asInt(), r.path("sessions").asInt(),
                        r.path("attributeBytes").asDouble(), number(r, "bytesAfterWrite"), number(r, "bytesAfterWorkload"),
                        number(r, "sampledMedian"), number(r, "sampledP10"), number(r, "sampledP90"), r.path("encoding").asText(),
                        number(r, "serverCpuMicrosPerRequest"), r.path("cpuSource").asText(), number(r, "walBytesPerRequest"),
                        r.path("deadRows").asLong(-1), r.path("deadRowsAfterVacuum").asLong(-1), unread));
            }
            return rows;
        } catch (IOException e) {
            throw new ConfigException("cannot read " + json + ": " + e.getMessage() + "; give a footprint.json written by 'footprint' or 'bench'");
        }
    }

    private static double number(com.fasterxml.jackson.databind.JsonNode r, String field) {
        com.fasterxml.jackson.databind.JsonNode v = r.path(field);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** The short table of the docs: per size and layout the bytes kept, sessions per GiB, overhead, encoding and CPU. */
    public static String summary(List<Row> rows) {
        MarkdownTable t = new MarkdownTable().text("session").text("layout").number("bytes kept per session").number("sessions per GiB")
                .number("overhead").text("encoding").number("server CPU µs/request").number("WAL B/request");
        for (Row r : rows) {
            t.row(size(r.sessionBytes()), r.name(), cell("%,.0f", r.bytesPerSession()), cell("%,.0f", r.sessionsPerGiB()),
                    cell("%.2f×", r.overhead()), r.encoding().isEmpty() ? "not read" : r.encoding(), cell("%.1f", r.cpuMicrosPerRequest()),
                    wal(r));
        }
        return t.toString();
    }

    private static String csvText(String v) {
        return v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** The footprint section: per size the table, then the capacity table and its assumptions, then what was not read. */
    String markdown(List<Row> rows) {
        StringBuilder b = new StringBuilder("## What a session costs to keep\n\n");
        b.append(String.format(Locale.ROOT, "Measured on the servers themselves: sessions written through each store (the "
                + "benchmarks' sessions, the cart filled with %s), the server's memory before and after; then each session read "
                + "and renewed once (`request`, the server CPU per request from %s) and updated once. Bytes per session: the "
                + "server's memory growth over the sessions, after the writes and after the workload; *kept*: the larger. Sampled: "
                + "the server's own size of single sessions (Redis `MEMORY USAGE`, Postgres `pg_column_size` of the row, Memcached "
                + "the mean item size), median [10th … 90th percentile]. Overhead: bytes kept over the attribute bytes.%n%n",
                s.fill() == Fill.RANDOM ? "random letters (incompressible)" : "the benchmarks' repeated 'x' (compressible)",
                "the server's own counters"));
        for (int size : s.sizes()) {
            List<Row> at = rows.stream().filter(r -> r.sessionBytes() == size).toList();
            if (at.isEmpty()) {
                continue;
            }
            b.append("### ").append(size(size)).append(" sessions\n\n");
            MarkdownTable t = new MarkdownTable().text("layout").number("sessions").number("B/session after writes")
                    .number("B/session after workload").number("sampled B (median [p10 … p90])").text("encoding").number("overhead")
                    .number("sessions per GiB").number("server CPU µs/request").number("WAL B/request").number("dead rows (after VACUUM)");
            for (Row r : at) {
                t.row(r.name(), r.sessions(), cell("%,.0f", r.bytesAfterWrite()), cell("%,.0f", r.bytesAfterWorkload()),
                        Double.isNaN(r.sampledMedian()) ? "not read" : String.format(Locale.ROOT, "%,.0f [%,.0f … %,.0f]", r.sampledMedian(),
                                r.sampledP10(), r.sampledP90()),
                        r.encoding().isEmpty() ? "not read" : r.encoding(), cell("%.2f×", r.overhead()), cell("%,.0f", r.sessionsPerGiB()),
                        cell("%.1f", r.cpuMicrosPerRequest()), wal(r), r.deadRows() < 0 ? "–" : r.deadRows() + " (" + r.deadRowsAfterVacuum() + ")");
            }
            b.append(t).append('\n');
        }
        b.append(capacity(rows));
        Set<String> unread = new LinkedHashSet<>();
        rows.forEach(r -> r.unread().forEach(u -> unread.add(r.layout() + ": " + u)));
        if (!unread.isEmpty()) {
            b.append("Not read, and caveats:\n\n");
            unread.forEach(u -> b.append("- ").append(u).append('\n'));
            b.append('\n');
        }
        return b.toString();
    }

    /** Memory and server cores for a stated workload, per layout and size, with the assumptions printed. */
    String capacity(List<Row> rows) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "### Servers needed for %,d sessions alive and %,d requests per second%n%n",
                s.capacitySessions(), s.capacityRps()));
        MarkdownTable t = new MarkdownTable().text("layout").text("session").number("memory GiB").number("server cores");
        for (Row r : rows) {
            t.row(r.name(), size(r.sessionBytes()), cell("%.1f", s.capacitySessions() * r.bytesPerSession() / (1L << 30)),
                    cell("%.2f", s.capacityRps() * r.cpuMicrosPerRequest() / 1e6));
        }
        b.append(t).append('\n');
        b.append("Assumptions: every request is this suite's `request` (read the checked attributes, renew) on a session of the "
                + "size shown, the sessions one per user; memory is the bytes kept per session above times the sessions alive, "
                + "without what the server needs beside them (Redis: replication and fork copy-on-write headroom; Memcached: slab "
                + "pages not yet filled; Postgres: shared buffers, WAL, free space left by updates until VACUUM reuses it); cores are "
                + "the server CPU per request measured here, one client thread on this machine's cores, times the requests per second, "
                + "without headroom for peaks, persistence or replication. Change the workload with `footprint --sessions-alive N "
                + "--requests-per-second R`.\n\n");
        return b.toString();
    }

    /** WAL bytes per request: Postgres only ("–" elsewhere: no WAL). */
    private static String wal(Row r) {
        return r.layout().startsWith("postgres") ? cell("%,.0f", r.walBytesPerRequest()) : "–";
    }

    /** The capacity table of a {@code footprint.json}, for the workload it was written with. */
    public static String capacityOf(Path json) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = new ObjectMapper().readTree(json.toFile());
            Footprint f = new Footprint(new Settings(List.of(), List.of(), root.path("sessionsAt2KB").asInt(), Fill.of(root.path("fill").asText("random")),
                    root.path("capacitySessions").asLong(), root.path("capacityRequestsPerSecond").asLong(), Set.of()), System.out);
            return f.capacity(read(json));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + json + ": " + e.getMessage());
        }
    }

    private static String cell(String format, double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "not read" : String.format(Locale.ROOT, format, v);
    }
}
