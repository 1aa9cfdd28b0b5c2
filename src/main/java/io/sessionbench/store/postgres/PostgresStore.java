package io.sessionbench.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sessionbench.infra.PostgresTarget;
import io.sessionbench.store.Names;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code postgres}: one row per session (id primary key, user id and expiry indexed, attributes {@code jsonb}).
 * Partial updates merge in one statement ({@code attrs || patch}), never read-modify-write; the per-user cap runs in
 * one transaction that locks the user's row; expired rows are ignored on read and removed in batches by
 * {@link #cleanupExpired(int)}, which skips rows locked by live traffic.
 */
public final class PostgresStore implements SessionStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIVE = "expires_at > now() AND (absolute_expires_at IS NULL OR absolute_expires_at > now())";
    private static final String RENEW = "last_access = now(), expires_at = LEAST(now() + ? * interval '1 millisecond', "
            + "coalesce(absolute_expires_at, 'infinity'))";
    /** Bytes a patch adds to a session: names of new attributes plus new values minus the values they replace. */
    /** The session columns {@link #session} reads, from column 2 on (column 1 is the id where needed). */
    private static final String SESSION_COLUMNS = "user_id, attrs::text, "
            + "(extract(epoch from created_at) * 1000)::bigint, (extract(epoch from last_access) * 1000)::bigint, "
            + "(extract(epoch from coalesce(absolute_expires_at, 'epoch')) * 1000)::bigint";
    private static final String DELTA = "(SELECT coalesce(sum(CASE WHEN jsonb_exists(attrs, p.key) THEN 0 ELSE octet_length(p.key) END"
            + " + octet_length(p.value) - coalesce(octet_length(attrs ->> p.key), 0)), 0) FROM jsonb_each_text(?::jsonb) p)";

    private final HikariDataSource pool;
    private final PostgresTarget target;
    private final SessionPolicy policy;
    private final String table;
    private final String users;
    /** Statement texts of the per-request operations, built once so timed calls do no string work. */
    private final String loadSql;
    private final String attributeSql;
    private final String updateSql;
    private final String sizeSql;
    private final String touchSql;
    private final String invalidateSql;
    /** {@code UPDATE … RETURNING} texts by number of attributes read, built on first use. */
    private volatile String[] requestSql = new String[0];

    /** Opens a pool, creates the schema when missing; {@code unlogged} trades crash safety for write speed. */
    public PostgresStore(PostgresTarget target, SessionPolicy policy, boolean unlogged, int poolSize) {
        this.target = target;
        this.policy = policy;
        this.table = unlogged ? "sessionbench_sessions_unlogged" : "sessionbench_sessions";
        this.users = table + "_users";
        this.loadSql = "SELECT " + SESSION_COLUMNS + " FROM " + table + " WHERE id = ? AND " + LIVE;
        this.attributeSql = "SELECT attrs ->> ? FROM " + table + " WHERE id = ? AND " + LIVE;
        this.updateSql = "UPDATE " + table + " SET attrs = attrs || ?::jsonb, size_bytes = size_bytes + " + DELTA + ", "
                + RENEW + " WHERE id = ? AND " + LIVE + " AND size_bytes + " + DELTA + " <= ?";
        this.sizeSql = "SELECT size_bytes + " + DELTA + " FROM " + table + " WHERE id = ? AND " + LIVE;
        this.touchSql = "UPDATE " + table + " SET " + RENEW + " WHERE id = ? AND " + LIVE;
        this.invalidateSql = "DELETE FROM " + table + " WHERE id = ?";
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(target.jdbcUrl());
        cfg.setUsername(target.user());
        cfg.setPassword(target.password().value());
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(Math.min(2, poolSize));
        cfg.setConnectionTimeout(3000);
        cfg.setInitializationFailTimeout(1);
        cfg.setPoolName("sessionbench-postgres");
        cfg.addDataSourceProperty("connectTimeout", "3");
        cfg.addDataSourceProperty("socketTimeout", "30");
        cfg.addDataSourceProperty("ApplicationName", "sessionbench");
        try {
            this.pool = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw translate(e, "connect");
        }
        createSchema(unlogged);
    }

    /** {@code VACUUM ANALYZE} of both tables, then {@code CHECKPOINT}; refusals (no privilege) are ignored. */
    @Override
    public void settle() {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            for (String sql : List.of("VACUUM ANALYZE " + table, "VACUUM ANALYZE " + users, "CHECKPOINT")) {
                try {
                    st.execute(sql);
                } catch (SQLException notAllowed) {
                    // a target may not grant it; the measurement then records what the server does meanwhile
                }
            }
        } catch (SQLException e) {
            throw translate(e, "settle after preload");
        }
    }

    private void createSchema(boolean unlogged) {
        String kind = unlogged ? "UNLOGGED TABLE" : "TABLE";
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            // Several benchmark forks may start at once; CREATE … IF NOT EXISTS alone races on the catalog.
            st.execute("SELECT pg_advisory_lock(hashtext('sessionbench-schema'))");
            try {
                st.execute("CREATE " + kind + " IF NOT EXISTS " + table + " ("
                        + "id text PRIMARY KEY, seq bigserial, user_id text NOT NULL, attrs jsonb NOT NULL, "
                        + "size_bytes bigint NOT NULL, created_at timestamptz NOT NULL, last_access timestamptz NOT NULL, "
                        + "expires_at timestamptz NOT NULL, absolute_expires_at timestamptz)");
                st.execute("CREATE INDEX IF NOT EXISTS " + table + "_user ON " + table + " (user_id, seq)");
                st.execute("CREATE INDEX IF NOT EXISTS " + table + "_expires ON " + table + " (expires_at)");
                st.execute("CREATE " + kind + " IF NOT EXISTS " + users + " (user_id text PRIMARY KEY)");
            } finally {
                st.execute("SELECT pg_advisory_unlock(hashtext('sessionbench-schema'))");
            }
        } catch (SQLException e) {
            throw translate(e, "create schema");
        }
    }

    /** The table this store writes, e.g. for reports and for tests that need raw access. */
    public String table() {
        return table;
    }

    @Override
    public String layout() {
        return table.endsWith("_unlogged") ? "postgres-unlogged" : "postgres";
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(String op, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(e, op);
        } catch (RuntimeException e) {
            throw translate(e, op);
        }
    }

    @Override
    public Session create(String userId, Map<String, String> attributes) {
        Names.userId(userId);
        Names.attributes(attributes);
        long bytes = Session.attributeBytes(attributes);
        policy.checkSize(null, bytes);
        SessionId id = SessionId.random();
        String json = json(attributes);
        return withConnection("create", c -> {
            c.setAutoCommit(false);
            try {
                // Locks the user's row until commit, so concurrent logins of one user apply the cap one at a time.
                try (PreparedStatement lock = c.prepareStatement("INSERT INTO " + users + " (user_id) VALUES (?) "
                        + "ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id")) {
                    lock.setString(1, userId);
                    lock.executeUpdate();
                }
                Session s;
                try (PreparedStatement ins = c.prepareStatement("WITH ins AS (INSERT INTO " + table
                        + " (id, user_id, attrs, size_bytes, created_at, last_access, expires_at, absolute_expires_at) "
                        + "VALUES (?, ?, ?::jsonb, ?, now(), now(), now() + ? * interval '1 millisecond', "
                        + "CASE WHEN ? > 0 THEN now() + ? * interval '1 millisecond' END) "
                        + "RETURNING (extract(epoch from created_at) * 1000)::bigint AS c, "
                        + "(extract(epoch from coalesce(absolute_expires_at, 'epoch')) * 1000)::bigint AS x), "
                        + "evict AS (DELETE FROM " + table + " WHERE user_id = ? AND (expires_at <= now() OR id IN ("
                        + "SELECT id FROM " + table + " WHERE user_id = ? AND expires_at > now() ORDER BY seq DESC OFFSET ?))) "
                        + "SELECT c, x FROM ins")) {
                    long abs = policy.absoluteLifetime().toMillis();
                    ins.setString(1, id.value());
                    ins.setString(2, userId);
                    ins.setString(3, json);
                    ins.setLong(4, bytes);
                    ins.setLong(5, policy.ttlMillis(0, abs == 0 ? 0 : abs));
                    ins.setLong(6, abs);
                    ins.setLong(7, abs);
                    ins.setString(8, userId);
                    ins.setString(9, userId);
                    ins.setInt(10, policy.maxSessionsPerUser() - 1);
                    try (ResultSet rs = ins.executeQuery()) {
                        rs.next();
                        s = new Session(id, userId, rs.getLong(1), rs.getLong(1), rs.getLong(2), attributes);
                    }
                }
                c.commit();
                return s;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    @Override
    public Optional<Session> load(SessionId id) {
        return withConnection("load", c -> {
            try (PreparedStatement ps = c.prepareStatement(loadSql)) {
                ps.setString(1, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(session(id, rs, 1)) : Optional.empty();
                }
            }
        });
    }

    /** A session from {@link #SESSION_COLUMNS} starting at column {@code first}. */
    private static Session session(SessionId id, ResultSet rs, int first) throws SQLException {
        return new Session(id, rs.getString(first), rs.getLong(first + 2), rs.getLong(first + 3), rs.getLong(first + 4),
                attributes(id, rs.getString(first + 1)));
    }

    private static Map<String, String> attributes(SessionId id, String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StoreException.Corrupt("session " + id + " has unreadable attributes; invalidate it", e);
        }
        if (node == null || !node.isObject()) {
            throw new StoreException.Corrupt("session " + id + " has attributes that are not a JSON object; invalidate it", null);
        }
        Map<String, String> out = new HashMap<>(node.size() * 2);
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new StoreException.Corrupt("session " + id + " has attribute '" + e.getKey()
                        + "' that is not a string; invalidate it", null);
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    @Override
    public Optional<String> attribute(SessionId id, String name) {
        Names.attribute(name);
        return withConnection("attribute", c -> {
            try (PreparedStatement ps = c.prepareStatement(attributeSql)) {
                ps.setString(1, name);
                ps.setString(2, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean setAttributes(SessionId id, Map<String, String> attributes) {
        Names.attributes(attributes);
        policy.checkSize(id, Session.attributeBytes(attributes));
        String patch = json(attributes);
        return withConnection("setAttributes", c -> {
            try (PreparedStatement ps = c.prepareStatement(updateSql)) {
                ps.setString(1, patch);
                ps.setString(2, patch);
                ps.setLong(3, policy.idleTtl().toMillis());
                ps.setString(4, id.value());
                ps.setString(5, patch);
                ps.setLong(6, policy.maxSessionBytes());
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(sizeSql)) {
                ps.setString(1, patch);
                ps.setString(2, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw policy.tooLarge(id, rs.getLong(1));
                    }
                    return false;
                }
            }
        });
    }

    @Override
    public boolean touch(SessionId id) {
        return withConnection("touch", c -> {
            try (PreparedStatement ps = c.prepareStatement(touchSql)) {
                ps.setLong(1, policy.idleTtl().toMillis());
                ps.setString(2, id.value());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** One statement: renew and return the named attributes ({@code UPDATE … RETURNING}), one round trip. */
    @Override
    public Optional<Map<String, String>> request(SessionId id, Collection<String> names) {
        names.forEach(Names::attribute);
        String sql = requestSql(names.size());
        return withConnection("request", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, policy.idleTtl().toMillis());
                ps.setString(2, id.value());
                int i = 3;
                for (String n : names) {
                    ps.setString(i++, n);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Map<String, String> out = new LinkedHashMap<>(names.size() * 2);
                    int col = 2;
                    for (String n : names) {
                        String v = rs.getString(col++);
                        if (v != null) {
                            out.put(n, v);
                        }
                    }
                    return Optional.of(out);
                }
            }
        });
    }

    private String requestSql(int names) {
        String[] cached = requestSql;
        if (names < cached.length && cached[names] != null) {
            return cached[names];
        }
        StringBuilder returning = new StringBuilder(touchSql).append(" RETURNING 1");
        for (int i = 0; i < names; i++) {
            returning.append(", attrs ->> ?");
        }
        String[] grown = java.util.Arrays.copyOf(cached, Math.max(cached.length, names + 1));
        grown[names] = returning.toString();
        requestSql = grown;
        return grown[names];
    }

    @Override
    public boolean invalidate(SessionId id) {
        return withConnection("invalidate", c -> {
            try (PreparedStatement ps = c.prepareStatement(invalidateSql)) {
                ps.setString(1, id.value());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int invalidateAll(String userId) {
        Names.userId(userId);
        return withConnection("invalidateAll", c -> {
            try (PreparedStatement ps = c.prepareStatement("WITH d AS (DELETE FROM " + table + " WHERE user_id = ? "
                    + "RETURNING expires_at, absolute_expires_at) SELECT count(*) FILTER (WHERE expires_at > now() AND "
                    + "(absolute_expires_at IS NULL OR absolute_expires_at > now())) FROM d")) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public List<SessionId> sessions(String userId) {
        Names.userId(userId);
        return withConnection("sessions", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE user_id = ? AND " + LIVE
                    + " ORDER BY seq")) {
                ps.setString(1, userId);
                List<SessionId> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SessionId(rs.getString(1)));
                    }
                }
                return out;
            }
        });
    }

    /** {@code TABLESAMPLE SYSTEM}: reads a random fraction of the table's pages, sized from the planner's row estimate. */
    @Override
    public List<Session> sample(int n) {
        return withConnection("sample", c -> {
            double rows;
            try (PreparedStatement ps = c.prepareStatement("SELECT reltuples FROM pg_class WHERE oid = ?::regclass")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rows = rs.next() ? rs.getDouble(1) : -1;
                }
            }
            double percent = rows <= 0 ? 100 : Math.min(100, Math.max(0.01, 100.0 * n * 4 / rows));
            List<Session> out = new ArrayList<>(n);
            try (PreparedStatement ps = c.prepareStatement("SELECT id, " + SESSION_COLUMNS + " FROM " + table
                    + " TABLESAMPLE SYSTEM (?) WHERE " + LIVE + " LIMIT ?")) {
                ps.setDouble(1, percent);
                ps.setInt(2, n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(session(new SessionId(rs.getString(1)), rs, 2));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Deletes expired rows in batches of {@code batch}, skipping rows that live requests hold locked, until none is
     * left; returns how many were removed. A database has to run this; Redis and Memcached expire keys themselves.
     */
    public long cleanupExpired(int batch) {
        return withConnection("cleanup", c -> {
            long total = 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                    + " WHERE expires_at <= now() OR absolute_expires_at <= now() LIMIT ? FOR UPDATE SKIP LOCKED)")) {
                ps.setInt(1, batch);
                int n;
                do {
                    n = ps.executeUpdate();
                    total += n;
                } while (n == batch);
            }
            return total;
        });
    }

    private static String json(Map<String, String> attributes) {
        try {
            return JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode attributes as JSON", e);
        }
    }

    private RuntimeException translate(Exception e, String op) {
        if (e instanceof StoreException se) {
            return se;
        }
        String state = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                state = sql.getSQLState();
                break;
            }
        }
        String where = target.toString();
        if ("28P01".equals(state) || "28000".equals(state)) {
            return new StoreException.AuthenticationFailed("Postgres at " + where
                    + " refused the credentials; check the user and password of the Postgres target", e);
        }
        if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P03"))
                || e instanceof com.zaxxer.hikari.pool.HikariPool.PoolInitializationException
                || e instanceof java.sql.SQLTransientConnectionException) {
            return new StoreException.Unavailable("Postgres at " + where + " is unreachable (" + op + ": "
                    + firstLine(e) + "); check that the server runs and the URL is right", e);
        }
        return new IllegalStateException("Postgres at " + where + " failed " + op + ": " + firstLine(e), e);
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() != null && t.getMessage().contains("Exception")) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        pool.close();
    }
}
