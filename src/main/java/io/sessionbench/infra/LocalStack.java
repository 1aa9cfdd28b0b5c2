package io.sessionbench.infra;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Starts real {@code redis-server}, {@code memcached} and Postgres processes on loopback ports, each in its own folder,
 * waits until each answers a real request, and stops them all on {@link #close()}, on Ctrl-C and on JVM exit.
 */
public final class LocalStack implements AutoCloseable {

    /** The servers the stack can run. */
    public enum Server { REDIS, MEMCACHED, POSTGRES }

    /**
     * How the local Redis runs: one server; a primary with 2 replicas watched by 3 sentinels (master name
     * {@value #SENTINEL_MASTER}), the layouts then finding the primary through the sentinels; or a Redis Cluster of 3
     * primaries and 3 replicas made by {@code redis-cli --cluster create}.
     */
    public enum Topology {
        STANDALONE, SENTINEL, CLUSTER;

        public static Topology of(String name) {
            for (Topology t : values()) {
                if (t.name().equalsIgnoreCase(name)) {
                    return t;
                }
            }
            throw new ConfigException("unknown --topology '" + name + "'; use standalone, sentinel or cluster");
        }
    }

    /** The master name the local sentinels monitor. */
    public static final String SENTINEL_MASTER = "sessionbench";

    /** A started server: what it is, where it listens, which version, and the process. */
    public record Running(Server server, int port, String version, long pid, Path dir, List<String> settings) {
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(40);
    private static final String PG_USER = "sessionbench";

    private final Path root;
    private Topology topology = Topology.STANDALONE;
    private boolean tls;
    /** Replicas and sentinels of a Sentinel topology (the primary is the REDIS entry of {@link #running}). */
    private final List<Running> helpers = new ArrayList<>();
    private final Map<Server, Running> running = new EnumMap<>(Server.class);
    private final List<Process> processes = new ArrayList<>();
    /** How each server was started, so {@link #restartServers()} can start it again on the same port and data. */
    private final Map<Server, Launch> launches = new EnumMap<>(Server.class);

    private record Launch(List<String> command, Path dir, Path log, String runAs, Probe probe) {
    }
    /** How each Redis node (every topology) and server was started, by port, for the fault experiments. */
    private final Map<Integer, Launch> byPort = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread shutdownHook;
    private Endpoints endpoints = Endpoints.NONE;
    private volatile boolean closed;

    private LocalStack(Path root) {
        this.root = root;
        this.shutdownHook = new Thread(this::stopAll, "sessionbench-localstack-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the given servers on free ports under {@code root}. */
    public static LocalStack start(Path root, Set<Server> servers) {
        return start(root, servers, Map.of());
    }

    /** Starts the given servers under {@code root}; {@code ports} pins a server to a port (else a free one is picked). */
    public static LocalStack start(Path root, Set<Server> servers, Map<Server, Integer> ports) {
        return start(root, servers, ports, Topology.STANDALONE);
    }

    /** {@link #start(Path, Set, Map)} with Redis in the given topology. */
    public static LocalStack start(Path root, Set<Server> servers, Map<Server, Integer> ports, Topology topology) {
        return start(root, servers, ports, topology, false);
    }

    /**
     * {@link #start(Path, Set, Map, Topology)}; with {@code tls}, Redis listens on TLS only, with a CA and a server
     * certificate (for 127.0.0.1) generated at start by {@code openssl}; clients get the CA as {@code ?ca=} of the
     * target URI.
     */
    public static LocalStack start(Path root, Set<Server> servers, Map<Server, Integer> ports, Topology topology, boolean tls) {
        LocalStack stack = new LocalStack(root.toAbsolutePath());
        stack.topology = topology;
        stack.tls = tls;
        try {
            Files.createDirectories(stack.root);
            for (Server s : Server.values()) {
                if (servers.contains(s)) {
                    stack.startOne(s, ports.get(s));
                }
            }
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        } catch (IOException e) {
            stack.close();
            throw new ConfigException("cannot create the local stack folder " + root + ": " + e.getMessage()
                    + "; choose a writable folder");
        }
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public List<Running> servers() {
        return List.copyOf(running.values());
    }

    /** The replicas and sentinels of a Sentinel topology. */
    public List<Running> helpers() {
        return List.copyOf(helpers);
    }

    /** Whether a helper of {@link #helpers()} is a sentinel (the others are replicas). */
    public static boolean isSentinel(Running r) {
        return !r.settings().isEmpty() && r.settings().get(0).equals("sentinel");
    }

    public Topology topology() {
        return topology;
    }

    public Path root() {
        return root;
    }

    private void startOne(Server s, Integer fixedPort) throws IOException {
        int port = fixedPort == null ? freePort() : checkPortFree(s, fixedPort);
        Path dir = root.resolve(s.name().toLowerCase());
        deleteTree(dir);
        Files.createDirectories(dir);
        switch (s) {
            case REDIS -> {
                if (topology == Topology.SENTINEL) {
                    startRedisSentinel(dir, port);
                } else if (topology == Topology.CLUSTER) {
                    startRedisCluster(dir, fixedPort == null ? freeClusterPort() : port);
                } else {
                    startRedis(dir, port);
                }
            }
            case MEMCACHED -> startMemcached(dir, port);
            case POSTGRES -> startPostgres(dir, port);
            default -> throw new IllegalStateException(s.name());
        }
    }

    // ---- redis -----------------------------------------------------------------------------------------------

    private void startRedis(Path dir, int port) throws IOException {
        String bin = binary("redis-server");
        Secret password = new Secret(randomHex(16));
        List<String> settings = new ArrayList<>(List.of("bind 127.0.0.1", "port " + port, "save \"\"", "appendonly no",
                "protected-mode yes", "maxmemory-policy noeviction"));
        TlsFiles files = null;
        if (tls) {
            Path certs = dir.resolve("tls");
            files = new TlsFiles(certificates(certs), null, null);
            tlsOnly(settings, certs, port);
            settings.add("tls-auth-clients no");
        }
        Path conf = dir.resolve("redis.conf");
        writePrivate(conf, String.join("\n", settings) + "\ndir " + dir + "\nrequirepass " + password.value() + "\n");
        RedisTarget target = new RedisTarget(tls, "127.0.0.1", port, "", password, 0, files);
        Launch l = new Launch(List.of(bin, conf.toString()), dir, dir.resolve("redis.log"), null, () -> redisVersion(target));
        launches.put(Server.REDIS, l);
        byPort.put(port, l);
        Process p = launch(l);
        String version = waitFor(Server.REDIS, p, l.log(), l.probe());
        running.put(Server.REDIS, new Running(Server.REDIS, port, version, p.pid(), dir, settings));
        endpoints = endpoints.withRedis(target);
    }

    /**
     * A primary on {@code port}, two replicas, and three sentinels that monitor it as {@value #SENTINEL_MASTER}, all
     * with one password (the sentinels require it too); returns once both replicas are linked and each sentinel
     * knows the two replicas and the two other sentinels.
     */
    private void startRedisSentinel(Path dir, int port) throws IOException {
        String bin = binary("redis-server");
        Secret password = new Secret(randomHex(16));
        Path certs = dir.resolve("tls");
        TlsFiles files = tls ? new TlsFiles(certificates(certs), null, null) : null;
        List<String> common = List.of("bind 127.0.0.1", "save \"\"", "appendonly no", "protected-mode yes",
                "maxmemory-policy noeviction");
        List<Integer> nodePorts = List.of(port, freePort(), freePort());
        RedisTarget primary = null;
        for (int i = 0; i < nodePorts.size(); i++) {
            int p = nodePorts.get(i);
            Path d = dir.resolve(i == 0 ? "primary" : "replica-" + i);
            Files.createDirectories(d);
            List<String> settings = new ArrayList<>(common);
            settings.add(1, "port " + p);
            if (i > 0) {
                settings.add("replicaof 127.0.0.1 " + port);
            }
            sentinelTls(settings, certs, p);
            RedisTarget node = new RedisTarget(tls, "127.0.0.1", p, "", password, 0, files);
            Running r = startNode(bin, d, p, settings, password, i == 0 ? () -> redisVersion(node) : () -> replicaLinked(node), i == 0);
            if (i == 0) {
                primary = node;
            } else {
                helpers.add(r);
            }
        }
        List<HostPort> sentinels = new ArrayList<>();
        List<Process> sentinelProcesses = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int p = freePort();
            Path d = dir.resolve("sentinel-" + i);
            Files.createDirectories(d);
            List<String> conf = new ArrayList<>(List.of("bind 127.0.0.1", "port " + p,
                    "sentinel monitor " + SENTINEL_MASTER + " 127.0.0.1 " + port + " 2",
                    "sentinel down-after-milliseconds " + SENTINEL_MASTER + " 2000",
                    "sentinel failover-timeout " + SENTINEL_MASTER + " 10000"));
            sentinelTls(conf, certs, p);
            writePrivate(d.resolve("sentinel.conf"), String.join("\n", conf) + "\ndir " + d
                    + "\nsentinel auth-pass " + SENTINEL_MASTER + " " + password.value() + "\nrequirepass " + password.value()
                    + "\nsentinel sentinel-pass " + password.value() + "\n");
            RedisTarget sentinel = new RedisTarget(tls, "127.0.0.1", p, "", password, 0, files);
            Launch l = new Launch(List.of(bin, d.resolve("sentinel.conf").toString(), "--sentinel"), d, d.resolve("sentinel.log"),
                    null, () -> redisVersion(sentinel));
            Process proc = launch(l);
            List<String> settings = new ArrayList<>(List.of("sentinel"));
            settings.addAll(conf);
            helpers.add(new Running(Server.REDIS, p, waitFor(Server.REDIS, proc, l.log(), l.probe()), proc.pid(), d, settings));
            sentinels.add(new HostPort("127.0.0.1", p));
            sentinelProcesses.add(proc);
        }
        SentinelTarget target = new SentinelTarget(sentinels, SENTINEL_MASTER, "", password, tls, files);
        for (int i = 0; i < sentinels.size(); i++) {
            RedisTarget sentinel = target.node(sentinels.get(i));
            waitFor(Server.REDIS, sentinelProcesses.get(i), helpers.get(helpers.size() - 3 + i).dir().resolve("sentinel.log"),
                    () -> sentinelReady(sentinel));
        }
        endpoints = endpoints.withRedis(primary).withRedisSentinel(target);
    }

    /**
     * With {@code --tls}, a Sentinel-topology node or sentinel listens on TLS only and reaches the others over TLS too
     * ({@code tls-replication yes}: replication, and a sentinel's links to the nodes and the other sentinels), as
     * Redis's own TLS test runs Sentinel; clients need no certificate.
     */
    private void sentinelTls(List<String> settings, Path certs, int port) {
        if (tls) {
            tlsOnly(settings, certs, port);
            settings.addAll(List.of("tls-replication yes", "tls-auth-clients no"));
        }
    }

    /**
     * Starts {@code redis-server} in {@code d} with {@code settings} and the password (also as {@code masterauth}),
     * waits for {@code probe}; the first node of a topology ({@code main}) is the stack's REDIS entry and the one
     * {@link #restartServers()} restarts.
     */
    private Running startNode(String bin, Path d, int p, List<String> settings, Secret password, Probe probe, boolean main)
            throws IOException {
        Files.createDirectories(d);
        writePrivate(d.resolve("redis.conf"), String.join("\n", settings) + "\ndir " + d + "\nrequirepass " + password.value()
                + "\nmasterauth " + password.value() + "\n");
        Launch l = new Launch(List.of(bin, d.resolve("redis.conf").toString()), d, d.resolve("redis.log"), null, probe);
        Process proc = launch(l);
        byPort.put(p, l);
        Running r = new Running(Server.REDIS, p, waitFor(Server.REDIS, proc, l.log(), probe), proc.pid(), d, settings);
        if (main) {
            launches.put(Server.REDIS, l);
            running.put(Server.REDIS, r);
        }
        return r;
    }

    /**
     * Six cluster-enabled nodes (the first on {@code port}) joined by {@code redis-cli --cluster create
     * --cluster-replicas 1} into 3 primaries with one replica each, as Redis's {@code utils/create-cluster} does; returns
     * once every node reports {@code cluster_state:ok} and sees 6 nodes, and every replica is linked. The password
     * reaches redis-cli through {@code REDISCLI_AUTH}, never its command line.
     */
    private void startRedisCluster(Path dir, int port) throws IOException {
        String bin = binary("redis-server");
        Secret password = new Secret(randomHex(16));
        List<RedisTarget> nodes = new ArrayList<>();
        List<Running> started = new ArrayList<>();
        Path certs = dir.resolve("tls");
        TlsFiles files = tls ? new TlsFiles(certificates(certs), null, null) : null;
        for (int i = 0; i < CLUSTER_NODES; i++) {
            int p = i == 0 ? port : freeClusterPort();
            List<String> settings = new ArrayList<>(List.of("bind 127.0.0.1", "port " + p, "save \"\"", "appendonly no",
                    "protected-mode yes", "maxmemory-policy noeviction", "cluster-enabled yes", "cluster-config-file nodes.conf",
                    "cluster-node-timeout " + CLUSTER_NODE_TIMEOUT_MS));
            if (tls) {
                // clients, the cluster bus and replication all on TLS, as Redis's TLS test setup runs a cluster
                tlsOnly(settings, certs, p);
                settings.addAll(List.of("tls-cluster yes", "tls-replication yes", "tls-client-cert-file " + certs.resolve("server.crt"),
                        "tls-client-key-file " + certs.resolve("server.key"), "tls-auth-clients optional"));
            }
            RedisTarget node = new RedisTarget(tls, "127.0.0.1", p, "", password, 0, files);
            started.add(startNode(bin, dir.resolve("node-" + p), p, settings, password, () -> redisVersion(node), i == 0));
            nodes.add(node);
        }
        List<String> create = new ArrayList<>(List.of(binary("redis-cli"), "--cluster", "create"));
        nodes.forEach(n -> create.add(n.host() + ":" + n.port()));
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        if (tls) {
            create.addAll(List.of("--tls", "--cacert", certs.resolve("ca.crt").toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(create).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("cluster-create.log").toFile()));
        pb.environment().put("REDISCLI_AUTH", password.value());
        Process p = pb.start();
        try {
            if (!p.waitFor(START_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new ConfigException("redis-cli --cluster create did not make the local cluster: "
                        + tail(dir.resolve("cluster-create.log")) + " (log: " + dir.resolve("cluster-create.log") + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while creating the local cluster");
        }
        for (int i = 0; i < nodes.size(); i++) {
            RedisTarget node = nodes.get(i);
            Running r = started.get(i);
            Process proc = processes.stream().filter(x -> x.pid() == r.pid()).findFirst().orElseThrow();
            String role = waitFor(Server.REDIS, proc, r.dir().resolve("redis.log"), () -> clusterReady(node));
            List<String> settings = new ArrayList<>(r.settings());
            settings.add(0, "cluster " + role);
            Running labelled = new Running(r.server(), r.port(), r.version(), r.pid(), r.dir(), List.copyOf(settings));
            if (i == 0) {
                running.put(Server.REDIS, labelled);
            } else {
                helpers.add(labelled);
            }
        }
        endpoints = endpoints.withRedis(nodes.get(0)).withRedisCluster(List.copyOf(nodes));
    }

    private static final int CLUSTER_NODES = 6;
    /** Short, so a failover experiment sees a promotion within seconds (the default is 15 s). */
    private static final int CLUSTER_NODE_TIMEOUT_MS = 2000;

    /** "primary" or "replica" once the node reports {@code cluster_state:ok}, knows all 6 nodes, and (replicas) is linked. */
    private static String clusterReady(RedisTarget t) throws IOException {
        String info = command(t, "CLUSTER", "INFO");
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + CLUSTER_NODES)) {
            throw new IOException("cluster node at " + t.port() + " is not in a healthy 6-node cluster yet");
        }
        String replication = command(t, "INFO", "replication");
        if (replication.contains("role:slave")) {
            if (!replication.contains("master_link_status:up")) {
                throw new IOException("cluster replica at " + t.port() + " not linked to its primary yet");
            }
            return "replica";
        }
        return "primary";
    }

    /**
     * What a helper (or the main Redis) of this stack is: {@code sentinel}, {@code replica} (of the Sentinel primary),
     * {@code cluster primary} or {@code cluster replica} (its role when the cluster was made), or {@code redis}.
     */
    public static String role(Running r) {
        String first = r.settings().isEmpty() ? "" : r.settings().get(0);
        if (first.equals("sentinel") || first.startsWith("cluster ")) {
            return first;
        }
        return r.settings().stream().anyMatch(x -> x.startsWith("replicaof ")) ? "replica" : "redis";
    }

    /** Makes {@code settings} (whose second line is {@code port N}) listen on TLS only, with the certificates in {@code certs}. */
    private static void tlsOnly(List<String> settings, Path certs, int port) {
        settings.set(1, "port 0");
        settings.addAll(List.of("tls-port " + port, "tls-cert-file " + certs.resolve("server.crt"),
                "tls-key-file " + certs.resolve("server.key"), "tls-ca-cert-file " + certs.resolve("ca.crt")));
    }

    /**
     * A throw-away CA and a server certificate for 127.0.0.1 and localhost signed by it, as Redis's
     * {@code utils/gen-test-certs.sh} makes them; returns the CA file.
     */
    private static Path certificates(Path dir) throws IOException {
        Files.createDirectories(dir);
        String openssl = binary("openssl");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, openssl, "req", "-x509", "-new", "-nodes", "-newkey", "rsa:2048", "-sha256", "-days", "2",
                "-subj", "/CN=sessionbench local CA", "-keyout", "ca.key", "-out", "ca.crt");
        run(dir, openssl, "req", "-new", "-nodes", "-newkey", "rsa:2048", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                "-out", "server.csr");
        run(dir, openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-sha256", "-extfile", "server.ext", "-out", "server.crt");
        return dir.resolve("ca.crt");
    }

    private static void run(Path dir, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new ConfigException("'" + String.join(" ", List.of(cmd).subList(0, 2)) + "' failed making the local TLS "
                        + "certificates: " + out.lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while making the local TLS certificates");
        }
    }

    /** A replica's version once its link to the primary is up. */
    private static String replicaLinked(RedisTarget t) throws IOException {
        String info = command(t, "INFO", "replication");
        if (!info.contains("master_link_status:up")) {
            throw new IOException("replica at " + t.port() + " not linked to its primary yet");
        }
        return redisVersion(t);
    }

    /** A sentinel's version once it sees the master with 2 replicas and 2 other sentinels. */
    private static String sentinelReady(RedisTarget t) throws IOException {
        String master = command(t, "SENTINEL", "MASTER", SENTINEL_MASTER);
        if (!master.contains("num-slaves\r\n:2") && !master.contains("num-slaves\r\n$1\r\n2")) {
            throw new IOException("sentinel at " + t.port() + " does not see 2 replicas yet");
        }
        if (!master.contains("num-other-sentinels\r\n$1\r\n2") && !master.contains("num-other-sentinels\r\n:2")) {
            throw new IOException("sentinel at " + t.port() + " does not see the 2 other sentinels yet");
        }
        return redisVersion(t);
    }

    /** AUTH and one command over a plain socket; the raw RESP reply (read until the socket has nothing more for 100 ms). */
    private static String command(RedisTarget t, String... parts) throws IOException {
        try (Socket s = send(t, parts)) {
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            while (n > 0) {
                out.write(buf, 0, n);
                s.setSoTimeout(100);
                try {
                    n = in.read(buf);
                } catch (java.net.SocketTimeoutException done) {
                    break;
                }
            }
            String reply = out.toString(StandardCharsets.UTF_8);
            if (reply.startsWith("-")) {
                throw new IOException(reply.lines().findFirst().orElse(reply));
            }
            return reply;
        }
    }

    /** AUTH + INFO over a socket (TLS when the target is): a real request, and the server's version. */
    public static String redisVersion(RedisTarget t) throws IOException {
        try (Socket s = send(t, "INFO", "server")) {
            String reply = readUntil(s.getInputStream(), "redis_version:", "\r\n");
            if (reply.startsWith("-")) {
                throw new IOException(reply.trim());
            }
            int i = reply.indexOf("redis_version:");
            return reply.substring(i + "redis_version:".length(), reply.indexOf('\r', i)).trim();
        }
    }

    /** Connects to {@code t} and sends AUTH (when it has a password) and one command; the caller reads the replies. */
    private static Socket send(RedisTarget t, String... parts) throws IOException {
        Socket s = socket(t);
        try {
            s.setSoTimeout(2000);
            StringBuilder cmd = new StringBuilder();
            if (t.password().isPresent()) {
                cmd.append(resp("AUTH", t.password().value()));
            }
            cmd.append(resp(parts));
            s.getOutputStream().write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** A connected socket to {@code t}: TLS with its CA when the target is TLS. */
    private static Socket socket(RedisTarget t) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(t.host(), t.port()), 1000);
        if (!t.tls()) {
            return plain;
        }
        javax.net.ssl.SSLSocketFactory f = t.files() == null ? (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault()
                : t.files().context().getSocketFactory();
        javax.net.ssl.SSLSocket tlsSocket = (javax.net.ssl.SSLSocket) f.createSocket(plain, t.host(), t.port(), true);
        tlsSocket.setSoTimeout(2000);
        tlsSocket.startHandshake();
        return tlsSocket;
    }

    private static String resp(String... parts) {
        StringBuilder b = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            b.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return b.toString();
    }

    // ---- memcached -------------------------------------------------------------------------------------------

    private void startMemcached(Path dir, int port) throws IOException {
        String bin = binary("memcached");
        List<String> cmd = new ArrayList<>(List.of(bin, "-l", "127.0.0.1", "-p", String.valueOf(port), "-U", "0",
                "-m", "2048", "-c", "4096", "-I", "4m"));
        if (isRoot()) {
            cmd.addAll(List.of("-u", "nobody"));
        }
        Launch l = new Launch(cmd, dir, dir.resolve("memcached.log"), null, () -> memcachedVersion("127.0.0.1", port));
        launches.put(Server.MEMCACHED, l);
        Process p = launch(l);
        String version = waitFor(Server.MEMCACHED, p, l.log(), l.probe());
        running.put(Server.MEMCACHED, new Running(Server.MEMCACHED, port, version, p.pid(), dir,
                List.of("-m 2048", "-c 4096", "-I 4m", "-U 0")));
        endpoints = endpoints.withMemcached(List.of(new HostPort("127.0.0.1", port)));
    }

    public static String memcachedVersion(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            String line = readUntil(s.getInputStream(), "VERSION ", "\r\n");
            return line.substring(line.indexOf("VERSION ") + 8).trim();
        }
    }

    // ---- postgres --------------------------------------------------------------------------------------------

    private void startPostgres(Path dir, int port) throws IOException {
        Path bin = postgresBin();
        Secret password = new Secret(randomHex(16));
        Path data = dir.resolve("data");
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password.value() + "\n");
        boolean asNobody = isRoot();
        if (asNobody) {
            // Postgres refuses to run as root: hand the folder to an unprivileged user and drop to it.
            requireTraversable(dir);
            chown(dir, "nobody");
            chown(pwfile, "nobody");
        }
        if (!Files.isWritable(dir)) {
            throw new ConfigException("Postgres data folder " + dir + " is not writable; choose a writable folder with --dir");
        }
        Path initLog = dir.resolve("initdb.log");
        Process init = launch(new Launch(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", PG_USER,
                "--pwfile=" + pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions"),
                dir, initLog, asNobody ? "nobody" : null, null));
        try {
            if (!init.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || init.exitValue() != 0) {
                init.destroyForcibly();
                throw new ConfigException("initdb failed for " + data + ": " + tail(initLog)
                        + " (see " + initLog + "); check that the folder is writable");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while running initdb");
        } finally {
            Files.deleteIfExists(pwfile);
        }
        List<String> settings = List.of("listen_addresses=127.0.0.1", "port=" + port, "max_connections=200",
                "shared_buffers=256MB", "fsync=on", "synchronous_commit=on");
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                "-k", dir.toString()));
        for (String setting : settings) {
            cmd.add("-c");
            cmd.add(setting);
        }
        Path log = dir.resolve("postgres.log");
        PostgresTarget admin = new PostgresTarget("jdbc:postgresql://127.0.0.1:" + port + "/postgres", PG_USER, password);
        Launch l = new Launch(cmd, dir, log, asNobody ? "nobody" : null, () -> postgresVersion(admin, true));
        launches.put(Server.POSTGRES, l);
        Process p = launch(l);
        String version = waitFor(Server.POSTGRES, p, log, l.probe());
        running.put(Server.POSTGRES, new Running(Server.POSTGRES, port, version, p.pid(), dir, settings));
        endpoints = endpoints.withPostgres(
                new PostgresTarget("jdbc:postgresql://127.0.0.1:" + port + "/sessionbench", PG_USER, password));
    }

    public static String postgresVersion(PostgresTarget t, boolean createDatabase) throws IOException {
        Properties props = new Properties();
        props.setProperty("user", t.user());
        props.setProperty("password", t.password().value());
        props.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(t.jdbcUrl(), props); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
            }
            if (createDatabase) {
                try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'sessionbench'")) {
                    if (!rs.next()) {
                        st.execute("CREATE DATABASE sessionbench");
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SHOW server_version")) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A PostgreSQL program ({@code pgbench}, {@code psql}…) from the server's bin folder or PATH. */
    public static String postgresTool(String name) {
        String onPath = findOnPath(name);
        if (onPath != null) {
            return onPath;
        }
        Path p = postgresBin().resolve(name);
        if (!Files.isExecutable(p)) {
            throw missing(name);
        }
        return p.toString();
    }

    private static Path postgresBin() {
        String onPath = findOnPath("initdb");
        if (onPath != null && findOnPath("postgres") != null) {
            try {
                return Path.of(onPath).toRealPath().getParent();
            } catch (IOException e) {
                throw missing("initdb (PostgreSQL server)");
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> missing("initdb (PostgreSQL server)"));
        } catch (IOException e) {
            throw missing("initdb (PostgreSQL server)");
        }
    }

    private static void requireTraversable(Path dir) {
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new ConfigException("Postgres must run as 'nobody' because this process is root, but " + p
                            + " is not searchable by other users; chmod o+x it or start the stack under /tmp with --dir");
                }
            } catch (IOException e) {
                throw new ConfigException("cannot read the permissions of " + p + ": " + e.getMessage());
            }
        }
    }

    private static void chown(Path path, String user) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, lookup.lookupPrincipalByName(user));
    }

    // ---- processes -------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Probe {
        String version() throws IOException;
    }

    private String waitFor(Server s, Process p, Path log, Probe probe) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new ConfigException(name(s) + " exited with code " + p.exitValue() + " before answering: "
                        + tail(log) + " (log: " + log + ")");
            }
            try {
                return probe.version();
            } catch (IOException e) {
                last = e;
            }
            sleep(100);
        }
        throw new ConfigException(name(s) + " did not answer within " + START_TIMEOUT.toSeconds() + " s ("
                + (last == null ? "no reply" : last.getMessage()) + "); log tail: " + tail(log));
    }

    private Process launch(Launch l) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (l.runAs() != null) {
            cmd.addAll(List.of(binary("setpriv"), "--reuid=" + l.runAs(), "--regid=nogroup", "--clear-groups", "--"));
        }
        cmd.addAll(l.command());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(l.dir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(l.log().toFile()));
        pb.environment().put("HOME", l.dir().toString());
        pb.environment().remove("PGPASSWORD");
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; nothing to remove
        }
    }

    private void stopAll() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcesses();
    }

    /**
     * Stops every server but keeps their folders, ports and passwords, as an outage would; {@link #restartServers()}
     * brings them back.
     */
    public void stopServers() {
        stopProcesses();
    }

    /** Starts the servers stopped by {@link #stopServers()} again, on the same ports, folders and passwords. */
    public void restartServers() {
        for (Map.Entry<Server, Launch> e : launches.entrySet()) {
            try {
                Process p = launch(e.getValue());
                waitFor(e.getKey(), p, e.getValue().log(), e.getValue().probe());
                Running old = running.get(e.getKey());
                running.put(e.getKey(), new Running(old.server(), old.port(), old.version(), p.pid(), old.dir(), old.settings()));
            } catch (IOException ex) {
                throw new ConfigException("cannot restart " + name(e.getKey()) + ": " + ex.getMessage());
            }
        }
    }

    // ---- faults ------------------------------------------------------------------------------------------------

    /** Every Redis data node this stack started (not the sentinels), as targets with the stack's password. */
    public List<RedisTarget> redisNodes() {
        List<RedisTarget> out = new ArrayList<>();
        RedisTarget main = endpoints.redis();
        if (main == null) {
            return out;
        }
        out.add(main);
        for (Running r : helpers) {
            if (!isSentinel(r)) {
                out.add(new RedisTarget(main.tls(), main.host(), r.port(), main.user(), main.password(), 0, main.files()));
            }
        }
        return out;
    }

    /** The started process listening on {@code port} (any server of this stack), if there is one. */
    private java.util.Optional<Running> atPort(int port) {
        return java.util.stream.Stream.concat(running.values().stream(), helpers.stream()).filter(r -> r.port() == port).findFirst();
    }

    /** The port of {@code s}'s process as this stack started it (the main Redis node for REDIS). */
    public int port(Server s) {
        Running r = running.get(s);
        if (r == null) {
            throw new ConfigException(name(s) + " was not started by this stack; faults act only on servers it started");
        }
        return r.port();
    }

    /** {@code kill -9} of the process listening on {@code port}: no shutdown, no final fsync. */
    public void kill(int port) {
        Running r = atPort(port).orElseThrow(() -> new ConfigException("no server of this stack listens on " + port));
        ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(r.pid()).ifPresent(h -> awaitExit(h, 5_000));
    }

    /**
     * Stops the process on {@code port} (SIGTERM, or SIGINT for Postgres: its own clean shutdown), waits {@code down},
     * and starts it again from the same folder, config and port; returns once it answers.
     */
    public void restart(int port, Duration down) {
        Running r = atPort(port).orElseThrow(() -> new ConfigException("no server of this stack listens on " + port));
        Launch l = r.server() == Server.REDIS ? byPort.get(port) : launches.get(r.server());
        if (r.server() == Server.POSTGRES) {
            signal(r.pid(), "INT");
        } else {
            ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroy);
        }
        ProcessHandle.of(r.pid()).ifPresent(h -> awaitExit(h, 10_000));
        sleep(down.toMillis());
        try {
            Process p = launch(l);
            waitFor(r.server(), p, l.log(), l.probe());
            Running again = new Running(r.server(), r.port(), r.version(), p.pid(), r.dir(), r.settings());
            if (running.get(r.server()) != null && running.get(r.server()).port() == port) {
                running.put(r.server(), again);
            } else {
                helpers.replaceAll(h -> h.port() == port ? again : h);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot start " + name(r.server()) + " on " + port + " again: " + e.getMessage());
        }
    }

    /** SIGSTOP of the process on {@code port} and its children for {@code length}, then SIGCONT. */
    public void stall(int port, Duration length) {
        Running r = atPort(port).orElseThrow(() -> new ConfigException("no server of this stack listens on " + port));
        List<Long> pids = new ArrayList<>(List.of(r.pid()));
        ProcessHandle.of(r.pid()).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        pids.forEach(pid -> signal(pid, "STOP"));
        try {
            sleep(length.toMillis());
        } finally {
            pids.forEach(pid -> signal(pid, "CONT"));
        }
    }

    /**
     * {@code redis-cli --cluster reshard}: {@code slots} slots from node {@code fromId} to {@code toId}, through the
     * node at {@code via}; the password reaches redis-cli through {@code REDISCLI_AUTH}. Returns redis-cli's last line.
     */
    public String reshard(RedisTarget via, String fromId, String toId, int slots) {
        List<String> cmd = new ArrayList<>(List.of(binary("redis-cli"), "--cluster", "reshard", via.host() + ":" + via.port(), "--cluster-from",
                fromId, "--cluster-to", toId, "--cluster-slots", String.valueOf(slots), "--cluster-yes"));
        if (via.tls()) {
            cmd.add("--tls");
            if (via.files() != null && via.files().ca() != null) {
                cmd.addAll(List.of("--cacert", via.files().ca().toString()));
            }
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("REDISCLI_AUTH", via.password().value());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new ConfigException("redis-cli --cluster reshard failed: " + out.lines().reduce((a, b) -> b).orElse(""));
            }
            return out.lines().filter(x -> !x.isBlank()).reduce((a, b) -> b).orElse("").trim();
        } catch (IOException e) {
            throw new ConfigException("cannot run redis-cli --cluster reshard: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted during redis-cli --cluster reshard");
        }
    }

    private void stopProcesses() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
            processes.clear();
        }
        for (Process p : all) {
            List<ProcessHandle> children = p.descendants().toList();
            if (p.isAlive()) {
                // Postgres: SIGINT is a fast shutdown that does not wait for clients; others stop on SIGTERM.
                boolean postgres = p.info().command().map(c -> c.endsWith("postgres") || c.endsWith("setpriv")).orElse(false);
                if (postgres) {
                    signal(p.pid(), "INT");
                } else {
                    p.destroy();
                }
            }
            awaitExit(p.toHandle(), 10_000);
            children.forEach(c -> awaitExit(c, 5_000));
        }
    }

    private static void awaitExit(ProcessHandle h, long millis) {
        try {
            h.onExit().get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }

    private static void signal(long pid, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, String.valueOf(pid)).start().waitFor();
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new ConfigException("cannot find a free loopback port: " + e.getMessage());
        }
    }

    /** A free port whose cluster bus port (+10000) is free too and below 65536. */
    private static int freeClusterPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = freePort();
            if (p + 10_000 <= 65_535) {
                try (ServerSocket bus = new ServerSocket()) {
                    bus.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p + 10_000));
                    return p;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new ConfigException("cannot find a free loopback port whose cluster bus port (+10000) is free too");
    }

    private static int checkPortFree(Server s, int port) {
        try (ServerSocket sock = new ServerSocket()) {
            sock.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new ConfigException("port " + port + " for " + name(s) + " is already taken on 127.0.0.1; pick another port "
                    + "or stop the program using it");
        }
    }

    /** The absolute path of a server or client program on PATH, or a message that names the set-up script. */
    public static String binary(String name) {
        String path = findOnPath(name);
        if (path == null) {
            throw missing(name);
        }
        return path;
    }

    private static ConfigException missing(String name) {
        return new ConfigException(name + " is not installed (not on PATH); run scripts/setup.sh to install the servers");
    }

    private static String findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : (path + ":/usr/sbin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(d, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static String name(Server s) {
        return switch (s) {
            case REDIS -> "redis-server";
            case MEMCACHED -> "memcached";
            case POSTGRES -> "postgres";
        };
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }

    private static String readUntil(InputStream in, String marker, String end) throws IOException {
        StringBuilder b = new StringBuilder();
        byte[] buf = new byte[4096];
        while (true) {
            int i = b.indexOf(marker);
            if (i >= 0 && b.indexOf(end, i) >= 0) {
                return b.toString();
            }
            if (b.length() > 0 && b.charAt(0) == '-' && b.indexOf("\r\n") >= 0) {
                return b.toString();
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed after: " + b);
            }
            b.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while waiting for a server to start");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
