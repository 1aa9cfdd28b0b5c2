package io.sessionbench.testing;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.HostPort;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Properties;
import java.util.function.BiConsumer;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import io.sessionbench.store.redis.KeyDesign;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/** Plants bytes under a session's key behind the store's back, the way another program or a bad deploy would. */
public final class RawWrites {
    private RawWrites() {
    }

    public record Corruption(String name, BiConsumer<Endpoints, SessionId> plant) {
    }

    public static List<Corruption> corruptions(Layout layout) {
        return switch (layout) {
            case REDIS_HASH -> List.of(
                    new Corruption("string under the hash key", (e, id) -> keyed(e, Layout.REDIS_HASH, id, (j, k) -> {
                        j.del(k);
                        j.set(k, "garbage".getBytes(StandardCharsets.UTF_8));
                    })),
                    new Corruption("hash without metadata", (e, id) -> keyed(e, Layout.REDIS_HASH, id, (j, k) -> {
                        j.del(k);
                        j.hset(k, "a".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
                    })));
            case REDIS_JSON -> List.of(
                    new Corruption("garbage JSON", (e, id) -> keyed(e, Layout.REDIS_JSON, id, (j, k) -> j.set(k, "{\"u\": nope".getBytes(StandardCharsets.UTF_8)))),
                    new Corruption("JSON without fields", (e, id) -> keyed(e, Layout.REDIS_JSON, id, (j, k) -> j.set(k, "[]".getBytes(StandardCharsets.UTF_8)))));
            case REDIS_BLOB -> List.of(
                    new Corruption("truncated blob", (e, id) -> keyed(e, Layout.REDIS_BLOB, id, (j, k) -> {
                        byte[] v = j.get(k);
                        j.set(k, java.util.Arrays.copyOf(v, v.length - 3));
                    })),
                    new Corruption("wrong blob version", (e, id) -> keyed(e, Layout.REDIS_BLOB, id, (j, k) -> {
                        byte[] v = j.get(k);
                        v[1] = 9;
                        j.set(k, v);
                    })),
                    new Corruption("not a blob", (e, id) -> keyed(e, Layout.REDIS_BLOB, id, (j, k) -> j.set(k, "{}".getBytes(StandardCharsets.UTF_8)))));
            case MEMCACHED_BLOB -> List.of(
                    new Corruption("garbage bytes", (e, id) -> memcachedSet(e.memcached().get(0), "s:" + id.value(), "xyz".getBytes(StandardCharsets.US_ASCII))),
                    new Corruption("wrong blob version", (e, id) -> memcachedSet(e.memcached().get(0), "s:" + id.value(), new byte[] {'S', 7, 0, 0})));
            case POSTGRES -> postgresCorruptions("sessionbench_sessions");
            case POSTGRES_UNLOGGED -> postgresCorruptions("sessionbench_sessions_unlogged");
            case MEMORY -> List.of();
        };
    }

    /** The key a Redis layout keeps a session under: {@code sh:{id}}, {@code sj:{id}} or {@code sb:{id}}. */
    private static List<Corruption> postgresCorruptions(String table) {
        return List.of(
                new Corruption("attributes not an object", (e, id) -> postgres(e, "UPDATE " + table + " SET attrs = '[1,2]'::jsonb WHERE id = ?", id)),
                new Corruption("non-string attribute", (e, id) -> postgres(e, "UPDATE " + table + " SET attrs = '{\"a\": {\"b\": 1}}'::jsonb WHERE id = ?", id)));
    }

    public static byte[] key(Layout layout, SessionId id) {
        return KeyDesign.SESSION.sessionKey(prefix(layout), id).getBytes(StandardCharsets.UTF_8);
    }

    private static String prefix(Layout layout) {
        return layout.keyPrefix();
    }

    /**
     * Runs {@code work} with a client that routes keys (a {@code JedisCluster} on a cluster) and the key the session
     * {@code id} is stored under, in whichever {@link KeyDesign} the store used (the one whose key exists).
     */
    public static void keyed(Endpoints e, Layout layout, SessionId id, java.util.function.BiConsumer<UnifiedJedis, byte[]> work) {
        try (UnifiedJedis j = routing(e)) {
            byte[] found = key(layout, id);
            for (KeyDesign d : KeyDesign.values()) {
                byte[] k = d.sessionKey(prefix(layout), id).getBytes(StandardCharsets.UTF_8);
                if (j.exists(k)) {
                    found = k;
                }
            }
            work.accept(j, found);
        }
    }

    /** A client for keys: JedisCluster over the cluster seeds when there are some, else one connection pool to the server. */
    public static UnifiedJedis routing(Endpoints e) {
        if (!e.redisCluster().isEmpty()) {
            java.util.Set<HostAndPort> seeds = new java.util.HashSet<>();
            e.redisCluster().forEach(t -> seeds.add(new HostAndPort(t.host(), t.port())));
            return new redis.clients.jedis.JedisCluster(seeds, DefaultJedisClientConfig.builder()
                    .password(e.redisCluster().get(0).password().value()).build());
        }
        return new redis.clients.jedis.JedisPooled(new HostAndPort(e.redisServer().host(), e.redisServer().port()),
                DefaultJedisClientConfig.builder().password(e.redisServer().password().value()).build());
    }

    public interface JedisWork {
        void run(Jedis j);
    }

    public static void redis(Endpoints e, JedisWork work) {
        try (Jedis j = new Jedis(new HostAndPort(e.redisServer().host(), e.redisServer().port()),
                DefaultJedisClientConfig.builder().password(e.redisServer().password().value()).build())) {
            work.run(j);
        }
    }

    private static void memcachedSet(HostPort server, String key, byte[] value) {
        try (Socket s = new Socket(server.host(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("set " + key + " 0 600 " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(value);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            String reply = new String(buf, 0, Math.max(0, n), StandardCharsets.US_ASCII);
            if (!reply.startsWith("STORED")) {
                throw new IllegalStateException("memcached did not store the corrupt value: " + reply);
            }
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void postgres(Endpoints e, String sql, SessionId id) {
        Properties p = new Properties();
        p.setProperty("user", e.postgres().user());
        p.setProperty("password", e.postgres().password().value());
        try (Connection c = DriverManager.getConnection(e.postgres().jdbcUrl(), p); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id.value());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no row to corrupt for " + id);
            }
        } catch (java.sql.SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
