package io.sessionbench.store.memcached;

import io.sessionbench.infra.HostPort;
import io.sessionbench.store.Names;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionCodec;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.StoreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.transcoders.Transcoder;

/**
 * {@code memcached-blob}: the session blob in one Memcached item ({@code s:<id>}), updated with {@code gets}/{@code cas}
 * retries, renewed with {@code touch}/{@code gat}; a per-user index item ({@code u:<user>}) kept with CAS enforces the
 * cap. Memcached has no hashes, so every partial update moves the whole session both ways.
 */
public final class MemcachedBlobStore implements SessionStore {
    static final int MAX_RETRIES = 100;
    private static final long TIMEOUT_MS = 3000;

    static {
        // spymemcached logs connection chatter to stderr by default; route it through SLF4J like the other clients.
        if (System.getProperty("net.spy.log.LoggerImpl") == null) {
            System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
        }
    }

    /** Stores byte arrays unchanged: no Java serialization, no compression, so the bytes are the codec's. */
    private static final Transcoder<byte[]> RAW = new Transcoder<>() {
        @Override
        public boolean asyncDecode(CachedData d) {
            return false;
        }

        @Override
        public CachedData encode(byte[] o) {
            return new CachedData(0, o, CachedData.MAX_SIZE);
        }

        @Override
        public byte[] decode(CachedData d) {
            return d.getData();
        }

        @Override
        public int getMaxSize() {
            return CachedData.MAX_SIZE;
        }
    };

    private final MemcachedClient client;
    private final List<HostPort> servers;
    private final SessionCodec codec;
    private final SessionPolicy policy;
    private final LongSupplier clock;

    public MemcachedBlobStore(List<HostPort> servers, SessionCodec codec, SessionPolicy policy, LongSupplier clock) {
        this.servers = servers;
        this.codec = codec;
        this.policy = policy;
        this.clock = clock;
        List<InetSocketAddress> addrs = new ArrayList<>();
        servers.forEach(s -> addrs.add(new InetSocketAddress(s.host(), s.port())));
        try {
            this.client = new MemcachedClient(new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).setOpTimeout(TIMEOUT_MS)
                    .setFailureMode(FailureMode.Cancel).setDaemon(true).build(), addrs);
        } catch (IOException e) {
            throw unavailable("connect", e);
        }
        call("version", () -> {
            Map<java.net.SocketAddress, String> v = client.getVersions();
            if (v.isEmpty()) {
                throw new StoreException.Unavailable("Memcached at " + servers
                        + " did not answer 'version'; check that the server runs and the host:port is right", null);
            }
            return v;
        });
    }

    @Override
    public String layout() {
        return "memcached-" + codec.name();
    }

    static String key(SessionId id) {
        return "s:" + id.value();
    }

    static String userKey(String user) {
        return "u:" + user;
    }

    /** Memcached expirations are whole seconds; above 30 days they must be absolute Unix times. */
    private int expiry(long ttlMillis, long now) {
        long secs = Math.max(1, (ttlMillis + 999) / 1000);
        return secs > 30L * 24 * 3600 ? (int) (now / 1000 + secs) : (int) secs;
    }

    @Override
    public Session create(String userId, Map<String, String> attributes) {
        long now = clock.getAsLong();
        Session s = Session.create(userId, attributes, now, policy);
        int exp = expiry(policy.ttlMillis(now, s.absoluteExpiry()), now);
        if (!await("add", client.add(key(s.id()), exp, codec.encode(s), RAW))) {
            throw new IllegalStateException("session id collision on " + s.id() + "; the random source is broken");
        }
        List<String> evicted = updateIndex(userId, index -> {
            index.add(s.id().value());
            return index;
        });
        for (String id : evicted) {
            await("delete", client.delete("s:" + id));
        }
        return s;
    }

    /**
     * Applies a change to a user's index under CAS, prunes entries whose session is gone and evicts the oldest beyond
     * the cap; returns the evicted ids (deleted by the caller once the index no longer names them).
     */
    private List<String> updateIndex(String userId, java.util.function.UnaryOperator<List<String>> change) {
        String ukey = userKey(userId);
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            CASValue<byte[]> cur = call("gets", () -> client.gets(ukey, RAW));
            List<String> index = change.apply(cur == null ? new ArrayList<>() : UserIndex.decode(cur.getValue()));
            Map<String, byte[]> alive = call("get_multi", () -> client.getBulk(index.stream().map(i -> "s:" + i).toList(), RAW));
            List<String> kept = new ArrayList<>(index.size());
            for (String id : index) {
                if (alive.containsKey("s:" + id)) {
                    kept.add(id);
                }
            }
            List<String> evicted = new ArrayList<>();
            while (kept.size() > policy.maxSessionsPerUser()) {
                evicted.add(kept.remove(0));
            }
            byte[] next = UserIndex.encode(kept);
            boolean ok = cur == null
                    ? await("add", client.add(ukey, 0, next, RAW))
                    : call("cas", () -> client.cas(ukey, cur.getCas(), 0, next, RAW)) == CASResponse.OK;
            if (ok) {
                return evicted;
            }
        }
        throw new StoreException.Conflict("index of user " + userId + " changed under " + MAX_RETRIES
                + " consecutive attempts; too many concurrent logins of one user");
    }

    @Override
    public Optional<Session> load(SessionId id) {
        return live(id, call("get", () -> client.get(key(id), RAW)));
    }

    private Optional<Session> live(SessionId id, byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        Session s = codec.decode(id, bytes);
        long abs = s.absoluteExpiry();
        return abs > 0 && abs <= clock.getAsLong() ? Optional.empty() : Optional.of(s);
    }

    @Override
    public boolean setAttributes(SessionId id, Map<String, String> attributes) {
        Names.attributes(attributes);
        String key = key(id);
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            CASValue<byte[]> cur = call("gets", () -> client.gets(key, RAW));
            Optional<Session> current = live(id, cur == null ? null : cur.getValue());
            if (current.isEmpty()) {
                return false;
            }
            long now = clock.getAsLong();
            Session merged = current.get().merge(attributes, now, policy);
            byte[] next = codec.encode(merged);
            int exp = expiry(policy.ttlMillis(now, merged.absoluteExpiry()), now);
            if (!policy.safeUpdates()) {
                return await("replace", client.replace(key, exp, next, RAW));
            }
            CASResponse r = call("cas", () -> client.cas(key, cur.getCas(), exp, next, RAW));
            if (r == CASResponse.OK) {
                return true;
            }
            if (r == CASResponse.NOT_FOUND) {
                return false;
            }
        }
        throw new StoreException.Conflict("session " + id + " changed under " + MAX_RETRIES
                + " consecutive update attempts; too many concurrent writers on one session");
    }

    @Override
    public boolean touch(SessionId id) {
        long now = clock.getAsLong();
        return await("touch", client.touch(key(id), expiry(policy.idleTtl().toMillis(), now)));
    }

    @Override
    public Optional<Map<String, String>> request(SessionId id, Collection<String> names) {
        names.forEach(Names::attribute);
        long now = clock.getAsLong();
        CASValue<byte[]> v = call("gat", () -> client.getAndTouch(key(id), expiry(policy.idleTtl().toMillis(), now), RAW));
        return requestReply(id, names, v);
    }

    private Optional<Map<String, String>> requestReply(SessionId id, Collection<String> names, CASValue<byte[]> v) {
        return live(id, v == null ? null : v.getValue()).map(s -> s.select(names));
    }

    /** spymemcached is asynchronous underneath: every operation returns a future its I/O thread completes. */
    @Override
    public boolean async() {
        return true;
    }

    /** {@code gat} without waiting: completed from spymemcached's listener, failed with the same typed errors. */
    @Override
    public CompletionStage<Optional<Map<String, String>>> requestAsync(SessionId id, Collection<String> names) {
        names.forEach(Names::attribute);
        long now = clock.getAsLong();
        CompletableFuture<Optional<Map<String, String>>> out = new CompletableFuture<>();
        try {
            OperationFuture<CASValue<byte[]>> f = client.asyncGetAndTouch(key(id), expiry(policy.idleTtl().toMillis(), now), RAW);
            f.addListener(done -> {
                try {
                    out.complete(requestReply(id, names, f.get()));
                } catch (StoreException e) {
                    out.completeExceptionally(e);
                } catch (InterruptedException | ExecutionException | RuntimeException e) {
                    out.completeExceptionally(unavailable("gat", e));
                }
            });
        } catch (RuntimeException e) {
            out.completeExceptionally(unavailable("gat", e));
        }
        return out.orTimeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return CompletableFuture.failedFuture(cause instanceof TimeoutException t ? unavailable("gat", t) : cause);
        });
    }

    @Override
    public boolean invalidate(SessionId id) {
        return await("delete", client.delete(key(id)));
    }

    @Override
    public int invalidateAll(String userId) {
        Names.userId(userId);
        byte[] raw = call("get", () -> client.get(userKey(userId), RAW));
        if (raw == null) {
            return 0;
        }
        int n = 0;
        for (String id : UserIndex.decode(raw)) {
            if (await("delete", client.delete("s:" + id))) {
                n++;
            }
        }
        await("delete", client.delete(userKey(userId)));
        return n;
    }

    @Override
    public List<SessionId> sessions(String userId) {
        Names.userId(userId);
        byte[] raw = call("get", () -> client.get(userKey(userId), RAW));
        if (raw == null) {
            return List.of();
        }
        List<String> index = UserIndex.decode(raw);
        Map<String, byte[]> alive = call("get_multi", () -> client.getBulk(index.stream().map(i -> "s:" + i).toList(), RAW));
        return index.stream().filter(i -> alive.containsKey("s:" + i)).map(SessionId::new).toList();
    }

    /**
     * Memcached cannot list keys with a command; {@code lru_crawler metadump} walks the LRU in a background thread
     * of the server without locking it, which is the closest thing to SCAN. The dump stops once {@code n} are read.
     */
    @Override
    public List<Session> sample(int n) {
        List<Session> out = new ArrayList<>(n);
        HostPort server = servers.get(0);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(server.host(), server.port()), (int) TIMEOUT_MS);
            s.setSoTimeout((int) TIMEOUT_MS);
            s.getOutputStream().write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null && !line.equals("END") && out.size() < n) {
                if (line.startsWith("ERROR") || line.startsWith("BUSY") || line.startsWith("CLIENT_ERROR")) {
                    throw new StoreException.Unavailable("Memcached at " + server + " refused lru_crawler metadump ("
                            + line + "); enable the LRU crawler (memcached -o lru_crawler)", null);
                }
                if (line.startsWith("key=")) {
                    String k = URLDecoder.decode(line.substring(4, line.indexOf(' ')), StandardCharsets.UTF_8);
                    if (k.startsWith("s:")) {
                        load(new SessionId(k.substring(2))).ifPresent(out::add);
                    }
                }
            }
        } catch (IOException e) {
            throw unavailable("lru_crawler metadump", e);
        }
        return out;
    }

    private <T> T call(String op, Supplier<T> body) {
        try {
            return body.get();
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(op, e);
        }
    }

    private boolean await(String op, Future<Boolean> f) {
        try {
            return Boolean.TRUE.equals(f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(op, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            f.cancel(false);
            throw unavailable(op, e);
        }
    }

    private StoreException.Unavailable unavailable(String op, Exception e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new StoreException.Unavailable("Memcached at " + servers + " is unreachable (" + op + ": " + root.getMessage()
                + "); check that the server runs and the host:port is right", e);
    }

    @Override
    public void close() {
        client.shutdown(2, TimeUnit.SECONDS);
    }
}
