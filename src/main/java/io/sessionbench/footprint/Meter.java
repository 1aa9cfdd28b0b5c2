package io.sessionbench.footprint;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.HostPort;
import io.sessionbench.infra.PostgresTarget;
import io.sessionbench.infra.RedisInfo;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.redis.KeyDesign;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What one server says about the sessions it keeps, read from its own counters, never written to: memory in use,
 * the bytes and encoding of sampled sessions, its CPU time and (Postgres) the WAL it wrote. A figure the server
 * refuses (an ACL without {@code MEMORY USAGE}, a Postgres not on this machine for CPU) is NaN, and {@link #unread}
 * says in one line each what could not be read and why.
 */
abstract class Meter implements AutoCloseable {
    /** What could not be read, one line each (said once per meter). */
    final java.util.Set<String> unread = new java.util.LinkedHashSet<>();

    /** Bytes the server holds for the layout's data now. */
    abstract double memory();

    /**
     * Bytes of each sampled session as the server keeps it ({@code written}: sessions written since the first
     * {@link #memory} read); the encodings seen go into {@code encodings}.
     */
    abstract double[] sample(List<SessionId> ids, int written, java.util.Set<String> encodings);

    /** The server's CPU seconds so far (user + system); NaN when not readable. */
    abstract double cpuSeconds();

    /** Where {@link #cpuSeconds} comes from, for the table's note. */
    abstract String cpuSource();

    /** WAL bytes written so far (Postgres); NaN elsewhere. */
    double walBytes() {
        return Double.NaN;
    }

    /** After a workload: dead rows left, and after a VACUUM of the layout's tables (Postgres); null elsewhere. */
    long[] deadRows() {
        return null;
    }

    @Override
    public void close() {
    }

    static Meter of(Layout layout, Endpoints e, List<Long> serverPids) {
        return switch (layout.server().orElseThrow(() -> new ConfigException(layout.label() + " keeps sessions in this JVM: no server to measure"))) {
            case REDIS -> new Redis(e, layout);
            case MEMCACHED -> new Memcached(e.memcached().get(0));
            case POSTGRES -> new Postgres(e.postgres(), layout == Layout.POSTGRES_UNLOGGED, serverPids);
        };
    }

    /** {@code INFO memory} (used_memory), {@code MEMORY USAGE … SAMPLES 0} and {@code OBJECT ENCODING} of sampled keys, {@code INFO cpu}. */
    static final class Redis extends Meter {
        private final redis.clients.jedis.Jedis jedis;
        private final Layout layout;

        Redis(Endpoints e, Layout layout) {
            if (e.redisServer() == null) {
                throw new ConfigException("footprint reads one Redis server; a cluster target spreads sessions over its primaries: "
                        + "run footprint against one node's URI");
            }
            this.jedis = io.sessionbench.metrics.RedisServerView.connect(e.redisServer());
            this.layout = layout;
        }

        private String info(String section) {
            try {
                return jedis.info(section);
            } catch (RuntimeException ex) {
                unread.add("INFO " + section + " refused (" + firstLine(ex) + "): memory and CPU of the server not read");
                return "";
            }
        }

        @Override
        double memory() {
            return RedisInfo.field(info("memory"), "used_memory").map(Double::parseDouble).orElse(Double.NaN);
        }

        @Override
        double[] sample(List<SessionId> ids, int written, java.util.Set<String> encodings) {
            List<Double> out = new ArrayList<>();
            for (SessionId id : ids) {
                String key = KeyDesign.SESSION.sessionKey(layout.keyPrefix(), id);
                try {
                    Long bytes = jedis.memoryUsage(key, 0);
                    if (bytes != null) {
                        out.add(bytes.doubleValue());
                    }
                } catch (RuntimeException ex) {
                    unread.add("MEMORY USAGE refused (" + firstLine(ex) + "): bytes of single sessions not read");
                }
                try {
                    String enc = jedis.objectEncoding(key);
                    if (enc != null) {
                        encodings.add(enc);
                    }
                } catch (RuntimeException ex) {
                    unread.add("OBJECT ENCODING refused (" + firstLine(ex) + "): encoding not read");
                }
            }
            return out.stream().mapToDouble(Double::doubleValue).toArray();
        }

        @Override
        double cpuSeconds() {
            String cpu = info("cpu");
            return RedisInfo.field(cpu, "used_cpu_user").map(Double::parseDouble).orElse(Double.NaN)
                    + RedisInfo.field(cpu, "used_cpu_sys").map(Double::parseDouble).orElse(Double.NaN);
        }

        @Override
        String cpuSource() {
            return "INFO cpu";
        }

        /** A setting's value ({@code CONFIG GET}); null when refused. */
        String config(String name) {
            try {
                Map<String, String> v = jedis.configGet(name);
                return v.get(name);
            } catch (RuntimeException ex) {
                return null;
            }
        }

        void configSet(String name, String value) {
            jedis.configSet(name, value);
        }

        @Override
        public void close() {
            jedis.close();
        }
    }

    /** {@code stats} (bytes, rusage) and {@code stats slabs} (chunk size × used chunks per slab class). */
    static final class Memcached extends Meter {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;
        private Map<Integer, long[]> slabsBefore;
        private double bytesBefore = Double.NaN;

        Memcached(HostPort server) {
            try {
                socket = new Socket();
                socket.connect(new InetSocketAddress(server.host(), server.port()), 2000);
                socket.setSoTimeout(5000);
                in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                out = socket.getOutputStream();
            } catch (IOException ex) {
                throw new ConfigException("cannot reach Memcached " + server + " to read its stats: " + ex.getMessage());
            }
        }

        /** The {@code STAT name value} lines of one stats command, by name. */
        Map<String, String> stats(String command) {
            Map<String, String> m = new LinkedHashMap<>();
            try {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (String line; (line = in.readLine()) != null && !line.equals("END"); ) {
                    if (line.startsWith("ERROR") || line.startsWith("CLIENT_ERROR") || line.startsWith("SERVER_ERROR")) {
                        unread.add("'" + command + "' refused: " + line);
                        break;
                    }
                    String[] f = line.split(" ", 3);
                    if (f.length == 3 && f[0].equals("STAT")) {
                        m.put(f[1], f[2].trim());
                    }
                }
            } catch (IOException ex) {
                unread.add("'" + command + "' failed: " + ex.getMessage());
            }
            return m;
        }

        /** Per slab class: {chunk size, used chunks}. */
        Map<Integer, long[]> slabs() {
            Map<Integer, long[]> by = new java.util.TreeMap<>();
            stats("stats slabs").forEach((k, v) -> {
                int colon = k.indexOf(':');
                if (colon > 0 && Character.isDigit(k.charAt(0))) {
                    int cls = Integer.parseInt(k.substring(0, colon));
                    String field = k.substring(colon + 1);
                    long[] e = by.computeIfAbsent(cls, x -> new long[2]);
                    if (field.equals("chunk_size")) {
                        e[0] = Long.parseLong(v);
                    } else if (field.equals("used_chunks")) {
                        e[1] = Long.parseLong(v);
                    }
                }
            });
            return by;
        }

        /** Slab memory held by items: chunk size × used chunks, summed over the classes. */
        @Override
        double memory() {
            Map<Integer, long[]> s = slabs();
            if (slabsBefore == null) {
                slabsBefore = s;
                bytesBefore = Double.parseDouble(stats("stats").getOrDefault("bytes", "NaN"));
            }
            return s.values().stream().mapToDouble(e -> (double) e[0] * e[1]).sum();
        }

        /**
         * Memcached cannot size one item; the sample is the item bytes per session written ({@code stats} bytes, each
         * session's item and its user's index item, keys and headers included), and the encoding the slab classes whose
         * chunks the sessions took.
         */
        @Override
        double[] sample(List<SessionId> ids, int written, java.util.Set<String> encodings) {
            Map<Integer, long[]> now = slabs();
            if (slabsBefore != null) {
                now.forEach((cls, e) -> {
                    long before = slabsBefore.getOrDefault(cls, new long[2])[1];
                    if (e[1] > before) {
                        encodings.add("slab class " + cls + " (" + e[0] + " B chunks)");
                    }
                });
            }
            double bytes = Double.parseDouble(stats("stats").getOrDefault("bytes", "NaN"));
            return Double.isNaN(bytesBefore) || written == 0 ? new double[0] : new double[] {(bytes - bytesBefore) / written};
        }

        @Override
        double cpuSeconds() {
            Map<String, String> s = stats("stats");
            return Double.parseDouble(s.getOrDefault("rusage_user", "NaN")) + Double.parseDouble(s.getOrDefault("rusage_system", "NaN"));
        }

        @Override
        String cpuSource() {
            return "stats rusage";
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a stats connection
            }
        }
    }

    /**
     * {@code pg_total_relation_size} of the layout's tables (heap, indexes, TOAST), {@code pg_column_size} of sampled
     * rows with their compression, {@code pg_current_wal_lsn}, dead rows from {@code pg_stat_user_tables}; CPU from
     * {@code /proc} of the postmaster and its children when the server runs on this machine.
     */
    static final class Postgres extends Meter {
        private final Connection c;
        private final String table;
        private final List<Long> pids;

        Postgres(PostgresTarget t, boolean unlogged, List<Long> serverPids) {
            Properties props = new Properties();
            props.setProperty("user", t.user());
            props.setProperty("password", t.password().value());
            props.setProperty("connectTimeout", "2");
            try {
                c = DriverManager.getConnection(t.jdbcUrl(), props);
            } catch (SQLException ex) {
                throw new ConfigException("cannot reach Postgres " + t + " to read table sizes: " + firstLine(ex));
            }
            this.table = unlogged ? "sessionbench_sessions_unlogged" : "sessionbench_sessions";
            this.pids = serverPids;
            if (pids.isEmpty()) {
                unread.add("server CPU not read: this Postgres does not run on this machine (no counter of its own gives it)");
            }
        }

        private double single(String sql) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getDouble(1) : Double.NaN;
            } catch (SQLException ex) {
                unread.add("'" + sql + "' refused: " + firstLine(ex));
                return Double.NaN;
            }
        }

        @Override
        double memory() {
            return single("SELECT pg_total_relation_size('" + table + "') + pg_total_relation_size('" + table + "_users')");
        }

        /** The session table's {@code fillfactor} setting, or null when it has none (the default, 100). */
        String fillfactor() {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT option_value FROM pg_options_to_table("
                    + "(SELECT reloptions FROM pg_class WHERE oid = '" + table + "'::regclass)) WHERE option_name = 'fillfactor'")) {
                return rs.next() ? rs.getString(1) : null;
            } catch (SQLException ex) {
                unread.add("fillfactor not read: " + firstLine(ex));
                return null;
            }
        }

        /** Sets the session table's {@code fillfactor} ({@code null}: back to the default); false when refused. */
        boolean setFillfactor(String value) {
            return execute("ALTER TABLE " + table + (value == null ? " RESET (fillfactor)" : " SET (fillfactor = " + Integer.parseInt(value) + ")"));
        }

        /**
         * Rewrites the session table compactly ({@code VACUUM FULL}), then a plain {@code VACUUM} so its count of dead rows
         * starts from the rewritten table (a rewrite alone leaves the rows deleted before it counted); false when refused.
         */
        boolean compact() {
            double exists = single("SELECT count(*) FROM pg_class WHERE oid = to_regclass('" + table + "')");
            return exists == 0 || execute("VACUUM FULL " + table) && execute("VACUUM " + table) && execute("SELECT pg_stat_force_next_flush()");
        }

        private boolean execute(String sql) {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
                return true;
            } catch (SQLException ex) {
                unread.add("'" + sql + "' refused: " + firstLine(ex));
                return false;
            }
        }

        @Override
        double[] sample(List<SessionId> ids, int written, java.util.Set<String> encodings) {
            List<Double> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_column_size(t.*), coalesce(pg_column_compression(attrs), 'none') FROM "
                    + table + " t WHERE id = ANY(?)")) {
                Array a = c.createArrayOf("text", ids.stream().map(SessionId::value).toArray());
                ps.setArray(1, a);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getDouble(1));
                        encodings.add("heap row, attrs compression " + rs.getString(2));
                    }
                }
            } catch (SQLException ex) {
                unread.add("row sizes not read: " + firstLine(ex));
            }
            return out.stream().mapToDouble(Double::doubleValue).toArray();
        }

        @Override
        double cpuSeconds() {
            if (pids.isEmpty()) {
                return Double.NaN;
            }
            long ticks = 0;
            for (long pid : pids) {
                ticks += io.sessionbench.metrics.NoiseProbe.treeTicks(pid);
            }
            return ticks / 100.0;
        }

        @Override
        String cpuSource() {
            return "/proc of the postmaster and its children";
        }

        @Override
        double walBytes() {
            return single("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')");
        }

        /**
         * Dead rows after the workload (read once the store's connections closed, so their counts are flushed), then a
         * VACUUM of the session table and the dead rows left (its space is reusable afterwards, not returned).
         */
        @Override
        long[] deadRows() {
            double before = single("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = '" + table + "'::regclass");
            try (Statement st = c.createStatement()) {
                st.execute("VACUUM " + table);
                st.execute("SELECT pg_stat_force_next_flush()");
            } catch (SQLException ex) {
                unread.add("VACUUM " + table + " refused: " + firstLine(ex));
            }
            double after = single("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = '" + table + "'::regclass");
            return new long[] {Double.isNaN(before) ? -1 : (long) before, Double.isNaN(after) ? -1 : (long) after};
        }

        @Override
        public void close() {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a side connection
            }
        }
    }

    static String firstLine(Throwable ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        return io.sessionbench.infra.RedisTarget.redactUri(m.lines().findFirst().orElse(m));
    }
}
