package io.sessionbench.store.redis;

import io.sessionbench.infra.RedisTarget;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** {@link RedisPort} over Jedis: a pool of blocking connections, one borrowed per command. */
public final class JedisPort implements RedisPort {
    private final io.sessionbench.infra.RedisAddress target;
    private final UnifiedJedis jedis;

    public JedisPort(RedisTarget target, int poolSize) {
        this(target, new JedisPooled(pool(poolSize), new HostAndPort(target.host(), target.port()),
                tls(config(target.user(), target.password()).database(target.database()), target).build()));
    }

    /** The master named by a Sentinel target, found through its sentinels (asked with the same password). */
    public JedisPort(io.sessionbench.infra.SentinelTarget sentinel, int poolSize) {
        this(sentinel, sentineled(sentinel, poolSize));
    }

    private static UnifiedJedis sentineled(io.sessionbench.infra.SentinelTarget s, int poolSize) {
        java.util.Set<HostAndPort> sentinels = new java.util.LinkedHashSet<>();
        s.sentinels().forEach(h -> sentinels.add(new HostAndPort(h.host(), h.port())));
        try {
            return new JedisSentineled(s.master(), tls(config(s.user(), s.password()), s.tls(), s.files()).build(), pool(poolSize),
                    sentinels, tls(config("", s.password()).clientName("sessionbench-sentinel"), s.tls(), s.files()).build());
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, s, "connect");
        }
    }

    /**
     * A Redis Cluster from its seeds: {@code JedisCluster} with the attempts and topology refresh period of
     * {@code settings} (Jedis's defaults where unset: 5 attempts, slots renewed only after a MOVED).
     */
    public JedisPort(io.sessionbench.infra.ClusterTarget c, int poolSize, ClusterSettings settings) {
        this(c, clustered(c, poolSize, settings));
    }

    private static UnifiedJedis clustered(io.sessionbench.infra.ClusterTarget c, int poolSize, ClusterSettings settings) {
        java.util.Set<HostAndPort> seeds = new java.util.LinkedHashSet<>();
        c.seeds().forEach(t -> seeds.add(new HostAndPort(t.host(), t.port())));
        int attempts = settings.attempts() == null ? redis.clients.jedis.JedisCluster.DEFAULT_MAX_ATTEMPTS : settings.attempts();
        java.time.Duration refresh = settings.refresh() == null || settings.refresh().isZero() ? null : settings.refresh();
        try {
            // maxTotalRetriesDuration: Jedis's default, socket timeout × attempts
            return new redis.clients.jedis.JedisCluster(seeds, tls(config(c.user(), c.password()), c.first()).build(), pool(poolSize),
                    refresh, attempts, java.time.Duration.ofMillis(3000L * attempts));
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, c, "connect");
        }
    }

    static DefaultJedisClientConfig.Builder config(String user, io.sessionbench.infra.Secret password) {
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(3000).socketTimeoutMillis(3000).clientName("sessionbench");
        if (password.isPresent()) {
            cfg.password(password.value());
            if (!user.isEmpty()) {
                cfg.user(user);
            }
        }
        return cfg;
    }

    /** TLS with the target's CA (or the JVM's trust store), verifying the host name as Lettuce and Redisson do. */
    static DefaultJedisClientConfig.Builder tls(DefaultJedisClientConfig.Builder cfg, RedisTarget target) {
        return tls(cfg, target.tls(), target.files());
    }

    /** {@link #tls(DefaultJedisClientConfig.Builder, RedisTarget)} for a target that is not one server. */
    static DefaultJedisClientConfig.Builder tls(DefaultJedisClientConfig.Builder cfg, boolean tls, io.sessionbench.infra.TlsFiles files) {
        if (!tls) {
            return cfg;
        }
        javax.net.ssl.SSLParameters params = new javax.net.ssl.SSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        cfg.ssl(true).sslParameters(params);
        if (files != null) {
            cfg.sslSocketFactory(files.context().getSocketFactory());
        }
        return cfg;
    }

    private static GenericObjectPoolConfig<Connection> pool(int poolSize) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setJmxEnabled(false);
        return pool;
    }

    private JedisPort(io.sessionbench.infra.RedisAddress target, UnifiedJedis jedis) {
        this.target = target;
        this.jedis = jedis;
        try {
            jedis.ping();
        } catch (RuntimeException e) {
            jedis.close();
            throw RedisFailures.translate(e, target, "connect");
        }
    }

    @Override
    public byte[] get(byte[] key) {
        return RedisFailures.call(target, "GET", key, () -> jedis.get(key));
    }

    @Override
    public boolean setExisting(byte[] key, byte[] value, long ttlMillis) {
        return RedisFailures.call(target, "SET", key, () -> jedis.set(key, value, SetParams.setParams().xx().px(ttlMillis)) != null);
    }

    @Override
    public boolean del(byte[] key) {
        return RedisFailures.call(target, "DEL", key, () -> jedis.del(key) > 0);
    }

    @Override
    public Map<String, byte[]> hgetall(byte[] key) {
        return RedisFailures.call(target, "HGETALL", key, () -> RedisPort.withTextFields(jedis.hgetAll(key)));
    }

    @Override
    public List<byte[]> hmget(byte[] key, byte[]... fields) {
        return RedisFailures.call(target, "HMGET", key, () -> jedis.hmget(key, fields));
    }

    @Override
    public Object eval(RedisScript script, byte[][] keys, byte[][] args) {
        List<byte[]> k = Arrays.asList(keys);
        List<byte[]> a = Arrays.asList(args);
        return RedisFailures.evalSha(target, script, keys, () -> jedis.evalsha(script.sha1().getBytes(StandardCharsets.UTF_8), k, a),
                () -> jedis.eval(script.source().getBytes(StandardCharsets.UTF_8), k, a));
    }

    @Override
    public List<byte[]> scan(String pattern, int limit) {
        try {
            // scanIteration walks every primary of a cluster, and the one server otherwise
            List<byte[]> out = new ArrayList<>(limit);
            redis.clients.jedis.ScanIteration pages = jedis.scanIteration(Math.max(100, limit), pattern);
            while (!pages.isIterationCompleted() && out.size() < limit) {
                for (String key : pages.nextBatch().getResult()) {
                    if (out.size() < limit) {
                        out.add(key.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, target, "SCAN");
        }
    }

    @Override
    public String serverVersion() {
        return RedisFailures.call(target, "INFO", null, () -> io.sessionbench.infra.RedisInfo.version(
                new String((byte[]) jedis.sendCommand(redis.clients.jedis.Protocol.Command.INFO, "server"), StandardCharsets.UTF_8)));
    }

    @Override
    public String client() {
        return "jedis";
    }

    @Override
    public boolean cluster() {
        return jedis instanceof redis.clients.jedis.JedisCluster;
    }

    @Override
    public void close() {
        jedis.close();
    }
}
