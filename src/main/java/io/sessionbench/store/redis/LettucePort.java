package io.sessionbench.store.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.sessionbench.infra.RedisTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** {@link RedisPort} over Lettuce: one multiplexed connection shared by all threads, as Lettuce intends. */
public final class LettucePort implements RedisPort {
    /** Event loops and timers shared by every Lettuce client in the JVM, as Lettuce recommends; never shut down. */
    private static final ClientResources RESOURCES = DefaultClientResources.create();
    private final io.sessionbench.infra.RedisAddress target;
    private final io.lettuce.core.AbstractRedisClient client;
    private final io.lettuce.core.api.StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterCommands<byte[], byte[]> sync;
    private final RedisClusterAsyncCommands<byte[], byte[]> async;
    private final boolean cluster;

    public LettucePort(RedisTarget target) {
        this(target, authenticated(RedisURI.builder().withHost(target.host()).withPort(target.port())
                .withDatabase(target.database()).withSsl(target.tls()), target.user(), target.password()).build(), target.files());
    }

    /**
     * The master named by a Sentinel target, found through its sentinels (each asked with the target's password,
     * as the local stack's sentinels require it); Lettuce follows a failover to the new master.
     */
    public LettucePort(io.sessionbench.infra.SentinelTarget sentinel) {
        this(sentinel, sentinelUri(sentinel), sentinel.files());
    }

    private static RedisURI sentinelUri(io.sessionbench.infra.SentinelTarget s) {
        RedisURI.Builder uri = null;
        for (io.sessionbench.infra.HostPort h : s.sentinels()) {
            if (uri == null) {
                uri = RedisURI.Builder.sentinel(h.host(), h.port(), s.master());
            } else {
                uri.withSentinel(h.host(), h.port());
            }
        }
        RedisURI built = authenticated(uri.withSsl(s.tls()), s.user(), s.password()).build();
        for (RedisURI each : built.getSentinels()) {
            each.setSsl(s.tls());
            if (s.password().isPresent()) {
                each.setPassword(s.password().chars());
            }
        }
        return built;
    }

    private static RedisURI.Builder authenticated(RedisURI.Builder uri, String user, io.sessionbench.infra.Secret password) {
        uri.withTimeout(Duration.ofSeconds(3));
        if (password.isPresent()) {
            if (user.isEmpty()) {
                uri.withPassword(password.chars());
            } else {
                uri.withAuthentication(user, password.chars());
            }
        }
        return uri;
    }

    private LettucePort(io.sessionbench.infra.RedisAddress target, RedisURI uri, io.sessionbench.infra.TlsFiles files) {
        this.target = target;
        this.cluster = false;
        RedisClient c = RedisClient.create(RESOURCES, uri);
        c.setOptions(common(ClientOptions.builder(), files).build());
        StatefulRedisConnection<byte[], byte[]> conn = connect(c, () -> c.connect(ByteArrayCodec.INSTANCE), target);
        this.client = c;
        this.connection = conn;
        this.sync = conn.sync();
        this.async = conn.async();
    }

    /**
     * A Redis Cluster from its seeds, with the topology refresh, redirect limit and read preference of
     * {@code settings} (Lettuce's defaults where unset: no periodic or adaptive refresh, 5 redirects, primaries).
     */
    public LettucePort(io.sessionbench.infra.ClusterTarget target, ClusterSettings settings) {
        this.target = target;
        this.cluster = true;
        List<RedisURI> seeds = new ArrayList<>();
        for (RedisTarget t : target.seeds()) {
            seeds.add(authenticated(RedisURI.builder().withHost(t.host()).withPort(t.port()).withSsl(t.tls()), t.user(), t.password()).build());
        }
        io.lettuce.core.cluster.RedisClusterClient c = io.lettuce.core.cluster.RedisClusterClient.create(RESOURCES, seeds);
        io.lettuce.core.cluster.ClusterTopologyRefreshOptions.Builder refresh = io.lettuce.core.cluster.ClusterTopologyRefreshOptions.builder();
        if (settings.refresh() != null && !settings.refresh().isZero()) {
            refresh.enablePeriodicRefresh(settings.refresh());
        }
        if (Boolean.TRUE.equals(settings.adaptive())) {
            refresh.enableAllAdaptiveRefreshTriggers();
        }
        io.lettuce.core.cluster.ClusterClientOptions.Builder options = common(io.lettuce.core.cluster.ClusterClientOptions.builder(),
                target.first().files()).topologyRefreshOptions(refresh.build());
        if (settings.attempts() != null) {
            options.maxRedirects(settings.attempts());
        }
        c.setOptions(options.build());
        io.lettuce.core.cluster.api.StatefulRedisClusterConnection<byte[], byte[]> conn = connect(c, () -> c.connect(ByteArrayCodec.INSTANCE), target);
        if (settings.readReplica()) {
            conn.setReadFrom(io.lettuce.core.ReadFrom.REPLICA_PREFERRED);
        }
        this.client = c;
        this.connection = conn;
        this.sync = conn.sync();
        this.async = conn.async();
    }

    /** What every Lettuce client here sets: reconnect, reject commands while disconnected, and the target's TLS files. */
    private static <B extends ClientOptions.Builder> B common(B options, io.sessionbench.infra.TlsFiles files) {
        options.autoReconnect(true).disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
        if (files != null) {
            options.sslOptions(ssl(files));
        }
        return options;
    }

    /** Connects (see {@link #connectOnceMore}); on failure shuts the client down and reports one line. */
    private static <C> C connect(io.lettuce.core.AbstractRedisClient c, java.util.function.Supplier<C> connect,
                                 io.sessionbench.infra.RedisAddress target) {
        try {
            return connectOnceMore(connect);
        } catch (RuntimeException e) {
            c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw RedisFailures.translate(e, target, "connect");
        }
    }

    /**
     * The given CA (and client certificate); host names are verified against the server's certificate. The handshake
     * gives up after 3 s like every other wait (Netty's default is 10 s, and a plain port never answers a handshake).
     */
    private static io.lettuce.core.SslOptions ssl(io.sessionbench.infra.TlsFiles files) {
        io.lettuce.core.SslOptions.Builder ssl = io.lettuce.core.SslOptions.builder().jdkSslProvider().handshakeTimeout(Duration.ofSeconds(3));
        if (files.ca() != null) {
            ssl.trustManager(files.trustManagers());
        }
        if (files.cert() != null) {
            ssl.keyManager(files.keyManagers());
        }
        return ssl.build();
    }

    /**
     * Connects, trying a second time when the first attempt failed without a server error: a refused handshake can
     * surface as a bare channel error ("RedisHandshakeHandler not registered") that hides the server's WRONGPASS.
     */
    private static <C> C connectOnceMore(java.util.function.Supplier<C> connect) {
        try {
            return connect.get();
        } catch (RuntimeException first) {
            if (RedisFailures.messageChainContains(first, "WRONGPASS") || RedisFailures.messageChainContains(first, "NOAUTH")) {
                throw first;
            }
            return connect.get();
        }
    }

    @Override
    public byte[] get(byte[] key) {
        return RedisFailures.call(target, "GET", key, () -> sync.get(key));
    }

    @Override
    public boolean setExisting(byte[] key, byte[] value, long ttlMillis) {
        return RedisFailures.call(target, "SET", key, () -> sync.set(key, value, SetArgs.Builder.xx().px(ttlMillis)) != null);
    }

    @Override
    public boolean del(byte[] key) {
        return RedisFailures.call(target, "DEL", key, () -> sync.del(key) > 0);
    }

    @Override
    public Map<String, byte[]> hgetall(byte[] key) {
        return RedisFailures.call(target, "HGETALL", key, () -> RedisPort.withTextFields(sync.hgetall(key)));
    }

    @Override
    public CompletionStage<Map<String, byte[]>> hgetallAsync(byte[] key) {
        return async.hgetall(key).thenApply(RedisPort::withTextFields);
    }

    @Override
    public List<byte[]> hmget(byte[] key, byte[]... fields) {
        try {
            List<KeyValue<byte[], byte[]>> kv = sync.hmget(key, fields);
            List<byte[]> out = new ArrayList<>(kv.size());
            kv.forEach(x -> out.add(x.getValueOrElse(null)));
            return out;
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, target, "HMGET " + RedisLayout.string(key));
        }
    }

    private static ScriptOutputType type(RedisScript script) {
        return switch (script.output()) {
            case INTEGER -> ScriptOutputType.INTEGER;
            case VALUE -> ScriptOutputType.VALUE;
            case MULTI -> ScriptOutputType.MULTI;
        };
    }

    @Override
    public Object eval(RedisScript script, byte[][] keys, byte[][] args) {
        ScriptOutputType type = type(script);
        return RedisFailures.evalSha(target, script, keys, () -> sync.evalsha(script.sha1(), type, keys, args),
                () -> sync.eval(script.source().getBytes(StandardCharsets.UTF_8), type, keys, args));
    }

    @Override
    public boolean async() {
        return true;
    }

    @Override
    public CompletionStage<Object> evalAsync(RedisScript script, byte[][] keys, byte[][] args) {
        ScriptOutputType type = type(script);
        return RedisFailures.evalShaAsync(target, script, keys, () -> async.evalsha(script.sha1(), type, keys, args),
                () -> async.eval(script.source().getBytes(StandardCharsets.UTF_8), type, keys, args));
    }

    @Override
    public List<byte[]> scan(String pattern, int limit) {
        try {
            List<byte[]> out = new ArrayList<>(limit);
            ScanArgs args = ScanArgs.Builder.matches(pattern).limit(Math.max(100, limit));
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<byte[]> page = sync.scan(cursor, args);
                for (byte[] k : page.getKeys()) {
                    if (out.size() < limit) {
                        out.add(k);
                    }
                }
                cursor = page;
            } while (!cursor.isFinished() && out.size() < limit);
            return out;
        } catch (RuntimeException e) {
            throw RedisFailures.translate(e, target, "SCAN");
        }
    }

    @Override
    public String serverVersion() {
        return RedisFailures.call(target, "INFO", null, () -> io.sessionbench.infra.RedisInfo.version(sync.info("server")));
    }

    @Override
    public String client() {
        return "lettuce";
    }

    @Override
    public boolean cluster() {
        return cluster;
    }

    /** WAIT on the one multiplexed connection every write of this port travels (refused on a cluster: one per node). */
    @Override
    public long waitReplicas(int n, long timeoutMillis) {
        if (cluster) {
            return RedisPort.super.waitReplicas(n, timeoutMillis);
        }
        return RedisFailures.call(target, "WAIT", null, () -> sync.waitForReplication(n, timeoutMillis));
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
