package io.sessionbench.store.redis;

import io.sessionbench.infra.RedisTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.redisson.Redisson;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;

/** {@link RedisPort} over Redisson's buckets, maps and scripts, with raw byte codecs so the stored bytes match. */
public final class RedissonPort implements RedisPort {
    private static final CompositeCodec HASH_CODEC =
            new CompositeCodec(StringCodec.INSTANCE, ByteArrayCodec.INSTANCE, ByteArrayCodec.INSTANCE);
    private final io.sessionbench.infra.RedisAddress target;
    private final RedissonClient redisson;
    private final RScript script;

    public RedissonPort(RedisTarget target, int poolSize) {
        this(target, single(target, poolSize));
    }

    /** The master named by a Sentinel target; reads go to the master too (Redisson's default reads replicas). */
    public RedissonPort(io.sessionbench.infra.SentinelTarget sentinel, int poolSize) {
        this(sentinel, sentinel(sentinel, poolSize));
    }

    private static Config single(RedisTarget target, int poolSize) {
        Config config = new Config();
        SingleServerConfig single = config.useSingleServer()
                .setAddress((target.tls() ? "rediss://" : "redis://") + target.host() + ":" + target.port())
                .setDatabase(target.database()).setConnectTimeout(3000).setTimeout(3000).setRetryAttempts(0)
                .setConnectionPoolSize(poolSize).setConnectionMinimumIdleSize(Math.min(4, poolSize));
        if (target.password().isPresent()) {
            single.setPassword(target.password().value());
            if (!target.user().isEmpty()) {
                single.setUsername(target.user());
            }
        }
        trust(single, target.files());
        return config;
    }

    /**
     * A Redis Cluster from its seeds, with the scan interval, retry attempts and read mode of {@code settings}
     * (Redisson's 5 s scan interval where unset; reads from primaries unless read-from=replica).
     */
    public RedissonPort(io.sessionbench.infra.ClusterTarget c, int poolSize, ClusterSettings settings) {
        this(c, cluster(c, poolSize, settings));
    }

    private static Config cluster(io.sessionbench.infra.ClusterTarget t, int poolSize, ClusterSettings settings) {
        Config config = new Config();
        org.redisson.config.ClusterServersConfig c = config.useClusterServers()
                .setReadMode(settings.readReplica() ? org.redisson.config.ReadMode.SLAVE : org.redisson.config.ReadMode.MASTER)
                .setConnectTimeout(3000).setTimeout(3000).setRetryAttempts(settings.attempts() == null ? 0 : settings.attempts())
                .setMasterConnectionPoolSize(poolSize).setMasterConnectionMinimumIdleSize(Math.min(4, poolSize))
                .setSlaveConnectionMinimumIdleSize(settings.readReplica() ? Math.min(4, poolSize) : 0);
        if (settings.refresh() != null && !settings.refresh().isZero()) {
            c.setScanInterval((int) settings.refresh().toMillis());
        }
        t.seeds().forEach(s -> c.addNodeAddress((s.tls() ? "rediss://" : "redis://") + s.host() + ":" + s.port()));
        if (t.password().isPresent()) {
            c.setPassword(t.password().value());
            if (!t.user().isEmpty()) {
                c.setUsername(t.user());
            }
        }
        trust(c, t.first().files());
        return config;
    }

    /** The target's CA and client certificate, where given (the JVM's trust store otherwise). */
    private static void trust(org.redisson.config.BaseConfig<?> c, io.sessionbench.infra.TlsFiles files) {
        if (files != null) {
            c.setSslTrustManagerFactory(files.trustManagers());
            c.setSslKeyManagerFactory(files.keyManagers());
        }
    }

    private static Config sentinel(io.sessionbench.infra.SentinelTarget s, int poolSize) {
        Config config = new Config();
        org.redisson.config.SentinelServersConfig c = config.useSentinelServers().setMasterName(s.master())
                .setReadMode(org.redisson.config.ReadMode.MASTER).setCheckSentinelsList(false).setScanInterval(1000)
                .setConnectTimeout(3000).setTimeout(3000).setRetryAttempts(0)
                .setMasterConnectionPoolSize(poolSize).setMasterConnectionMinimumIdleSize(Math.min(4, poolSize))
                .setSlaveConnectionMinimumIdleSize(0);
        s.sentinels().forEach(h -> c.addSentinelAddress((s.tls() ? "rediss://" : "redis://") + h.host() + ":" + h.port()));
        trust(c, s.files());
        if (s.password().isPresent()) {
            c.setPassword(s.password().value());
            c.setSentinelPassword(s.password().value());
            if (!s.user().isEmpty()) {
                c.setUsername(s.user());
            }
        }
        return config;
    }

    private RedissonPort(io.sessionbench.infra.RedisAddress target, Config config) {
        this.target = target;
        try {
            this.redisson = Redisson.create(config);
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, target, "connect");
        }
        this.script = redisson.getScript(ByteArrayCodec.INSTANCE);
    }

    private static String name(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] get(byte[] key) {
        return RedisFailures.call(target, "GET", key, () -> redisson.<byte[]>getBucket(name(key), ByteArrayCodec.INSTANCE).get());
    }

    @Override
    public boolean setExisting(byte[] key, byte[] value, long ttlMillis) {
        return RedisFailures.call(target, "SET", key, () -> redisson.<byte[]>getBucket(name(key), ByteArrayCodec.INSTANCE).setIfExists(value, Duration.ofMillis(ttlMillis)));
    }

    @Override
    public boolean del(byte[] key) {
        return RedisFailures.call(target, "DEL", key, () -> redisson.getKeys().delete(name(key)) > 0);
    }

    @Override
    public Map<String, byte[]> hgetall(byte[] key) {
        return RedisFailures.call(target, "HGETALL", key, () -> new HashMap<>(redisson.<String, byte[]>getMap(name(key), HASH_CODEC).readAllMap()));
    }

    /** {@link #hgetall} without waiting (the calibration's async load runs it on every async client). */
    @Override
    public java.util.concurrent.CompletionStage<Map<String, byte[]>> hgetallAsync(byte[] key) {
        return redisson.<String, byte[]>getMap(name(key), HASH_CODEC).readAllMapAsync().thenApply(m -> (Map<String, byte[]>) new HashMap<>(m));
    }

    @Override
    public List<byte[]> hmget(byte[] key, byte[]... fields) {
        try {
            Set<String> names = new LinkedHashSet<>();
            for (byte[] f : fields) {
                names.add(name(f));
            }
            Map<String, byte[]> found = redisson.<String, byte[]>getMap(name(key), HASH_CODEC).getAll(names);
            List<byte[]> out = new ArrayList<>(fields.length);
            for (byte[] f : fields) {
                out.add(found.get(name(f)));
            }
            return out;
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, target, "HMGET " + RedisLayout.string(key));
        }
    }

    private static RScript.ReturnType type(RedisScript s) {
        return switch (s.output()) {
            case INTEGER -> RScript.ReturnType.INTEGER;
            case VALUE -> RScript.ReturnType.VALUE;
            case MULTI -> RScript.ReturnType.MULTI;
        };
    }

    @Override
    public Object eval(RedisScript s, byte[][] keys, byte[][] args) {
        RScript.ReturnType type = type(s);
        List<Object> k = new ArrayList<>(Arrays.asList((Object[]) keys));
        return RedisFailures.evalSha(target, s, keys, () -> script.evalSha(RScript.Mode.READ_WRITE, s.sha1(), type, k, (Object[]) args),
                () -> script.eval(RScript.Mode.READ_WRITE, s.source(), type, k, (Object[]) args));
    }

    @Override
    public boolean async() {
        return true;
    }

    @Override
    public java.util.concurrent.CompletionStage<Object> evalAsync(RedisScript s, byte[][] keys, byte[][] args) {
        RScript.ReturnType type = type(s);
        List<Object> k = new ArrayList<>(Arrays.asList((Object[]) keys));
        return RedisFailures.evalShaAsync(target, s, keys,
                () -> script.evalShaAsync(RScript.Mode.READ_WRITE, s.sha1(), type, k, (Object[]) args),
                () -> script.evalAsync(RScript.Mode.READ_WRITE, s.source(), type, k, (Object[]) args));
    }

    @Override
    public List<byte[]> scan(String pattern, int limit) {
        try {
            List<byte[]> out = new ArrayList<>(limit);
            redisson.getKeys().getKeys(KeysScanOptions.defaults().pattern(pattern).chunkSize(Math.max(100, limit)).limit(limit))
                    .forEach(k -> out.add(k.getBytes(StandardCharsets.UTF_8)));
            return out;
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, target, "SCAN");
        }
    }

    @Override
    public String serverVersion() {
        try {
            return io.sessionbench.infra.RedisInfo.version(redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY,
                    "return redis.call('INFO', 'server')", RScript.ReturnType.VALUE));
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, target, "INFO");
        }
    }

    @Override
    public String client() {
        return "redisson";
    }

    @Override
    public boolean cluster() {
        return target instanceof io.sessionbench.infra.ClusterTarget;
    }

    @Override
    public void close() {
        redisson.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
}
