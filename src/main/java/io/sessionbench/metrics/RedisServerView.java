package io.sessionbench.metrics;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.RedisTarget;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Redis's own view of an iteration, from {@code INFO commandstats} before and after it: how many commands the server
 * ran and the server time they took ({@code usec}), so the report can set the server's microseconds per command
 * beside the latency the client saw (the rest is the client, the kernel and scheduling). {@code INFO} itself is
 * left out. Reads the targets the benchmark uses (the endpoints file or {@code SESSIONBENCH_*} variables).
 */
public final class RedisServerView implements AutoCloseable {
    private final Jedis jedis;
    private long[] start;

    private RedisServerView(Jedis jedis) {
        this.jedis = jedis;
    }

    /** A view of the benchmark's Redis, or null when it has none that this JVM was told about. */
    static RedisServerView open() {
        try {
            String file = System.getProperty("sessionbench.endpoints");
            Map<Endpoints.Setting, String> given = file == null ? Map.of() : Endpoints.readSecretFile(Path.of(file));
            Endpoints e = Endpoints.from(Endpoints.environment(System.getenv()), given);
            if (e.redisServer() == null || !e.redisCluster().isEmpty()) {
                return null; // a cluster spreads the calls over its primaries: the per-node table of the run covers it
            }
            return new RedisServerView(connect(e.redisServer()));
        } catch (RuntimeException unavailable) {
            return null;
        }
    }

    /** A plain Jedis connection to {@code t} (user, password, TLS as given; 2 s timeout) for side queries. */
    public static Jedis connect(RedisTarget t) {
        DefaultJedisClientConfig.Builder c = DefaultJedisClientConfig.builder().ssl(t.tls()).timeoutMillis(2000);
        if (t.tls() && t.files() != null) {
            c.sslSocketFactory(t.files().context().getSocketFactory());
        }
        if (!t.user().isEmpty()) {
            c.user(t.user());
        }
        if (!t.password().value().isEmpty()) {
            c.password(t.password().value());
        }
        return new Jedis(new HostAndPort(t.host(), t.port()), c.build());
    }

    void begin() {
        start = totals();
    }

    /** {@code calls} and {@code usPerCall} since {@link #begin}; empty when INFO failed. */
    Map<String, Double> end() {
        Map<String, Double> out = new LinkedHashMap<>();
        long[] now = totals();
        if (start != null && now != null && now[0] > start[0]) {
            long calls = now[0] - start[0];
            out.put("calls", (double) calls);
            out.put("usPerCall", (now[1] - start[1]) / (double) calls);
        }
        return out;
    }

    /** Calls and usec summed over every command but INFO (and the other side queries). */
    private long[] totals() {
        try {
            return ClusterLoad.commandTotals(jedis.info("commandstats"));
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        jedis.close();
    }
}
