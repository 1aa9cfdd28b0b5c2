package io.sessionbench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.sessionbench.infra.Supervisor.Launch;

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

    private static final String PG_USER = "sessionbench";

    private final Path root;
    private Topology topology = Topology.STANDALONE;
    private boolean tls;
    /** Replicas and sentinels of a Sentinel topology (the primary is the REDIS entry of {@link #running}). */
    private final List<Running> helpers = new ArrayList<>();
    private final Map<Server, Running> running = new EnumMap<>(Server.class);
    private final Supervisor supervisor = new Supervisor();
    /** How each server was started, so {@link #restartServers()} can start it again on the same port and data. */
    private final Map<Server, Launch> launches = new EnumMap<>(Server.class);

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
        int port = fixedPort == null ? Programs.freePort() : Programs.checkPortFree(name(s), fixedPort);
        Path dir = root.resolve(s.name().toLowerCase());
        Programs.deleteTree(dir);
        Files.createDirectories(dir);
        switch (s) {
            case REDIS -> {
                RedisNodes nodes = new RedisNodes(supervisor, tls, byPort);
                RedisNodes.Built built = switch (topology) {
                    case SENTINEL -> nodes.sentinel(dir, port, SENTINEL_MASTER);
                    case CLUSTER -> nodes.cluster(dir, fixedPort == null ? Programs.freeClusterPort() : port);
                    case STANDALONE -> nodes.standalone(dir, port);
                };
                launches.put(Server.REDIS, built.mainLaunch());
                running.put(Server.REDIS, built.main());
                helpers.addAll(built.helpers());
                endpoints = built.endpoints().apply(endpoints);
            }
            case MEMCACHED -> startMemcached(dir, port);
            case POSTGRES -> startPostgres(dir, port);
            default -> throw new IllegalStateException(s.name());
        }
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

    // ---- memcached -------------------------------------------------------------------------------------------

    private void startMemcached(Path dir, int port) throws IOException {
        String bin = Programs.binary("memcached");
        List<String> cmd = new ArrayList<>(List.of(bin, "-l", "127.0.0.1", "-p", String.valueOf(port), "-U", "0",
                "-m", "2048", "-c", "4096", "-I", "4m"));
        if (Programs.isRoot()) {
            cmd.addAll(List.of("-u", "nobody"));
        }
        Launch l = new Launch(cmd, dir, dir.resolve("memcached.log"), null, () -> ServerProbes.memcachedVersion("127.0.0.1", port));
        launches.put(Server.MEMCACHED, l);
        Process p = supervisor.launch(l);
        String version = supervisor.waitFor(name(Server.MEMCACHED), p, l.log(), l.probe());
        running.put(Server.MEMCACHED, new Running(Server.MEMCACHED, port, version, p.pid(), dir,
                List.of("-m 2048", "-c 4096", "-I 4m", "-U 0")));
        endpoints = endpoints.withMemcached(List.of(new HostPort("127.0.0.1", port)));
    }

    // ---- postgres --------------------------------------------------------------------------------------------

    private void startPostgres(Path dir, int port) throws IOException {
        Path bin = Programs.postgresBin();
        Secret password = new Secret(Programs.randomHex(16));
        Path data = dir.resolve("data");
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password.value() + "\n");
        boolean asNobody = Programs.isRoot();
        if (asNobody) {
            // Postgres refuses to run as root: hand the folder to an unprivileged user and drop to it.
            Programs.requireTraversable(dir);
            Programs.chown(dir, "nobody");
            Programs.chown(pwfile, "nobody");
        }
        if (!Files.isWritable(dir)) {
            throw new ConfigException("Postgres data folder " + dir + " is not writable; choose a writable folder with --dir");
        }
        Path initLog = dir.resolve("initdb.log");
        Process init = supervisor.launch(new Launch(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", PG_USER,
                "--pwfile=" + pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions"),
                dir, initLog, asNobody ? "nobody" : null, null));
        try {
            if (!init.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || init.exitValue() != 0) {
                init.destroyForcibly();
                throw new ConfigException("initdb failed for " + data + ": " + Supervisor.tail(initLog)
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
        Launch l = new Launch(cmd, dir, log, asNobody ? "nobody" : null, () -> ServerProbes.postgresVersion(admin, true));
        launches.put(Server.POSTGRES, l);
        Process p = supervisor.launch(l);
        String version = supervisor.waitFor(name(Server.POSTGRES), p, log, l.probe());
        running.put(Server.POSTGRES, new Running(Server.POSTGRES, port, version, p.pid(), dir, settings));
        endpoints = endpoints.withPostgres(
                new PostgresTarget("jdbc:postgresql://127.0.0.1:" + port + "/sessionbench", PG_USER, password));
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------

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
        supervisor.stopAll();
    }

    /**
     * Stops every server but keeps their folders, ports and passwords, as an outage would; {@link #restartServers()}
     * brings them back.
     */
    public void stopServers() {
        supervisor.stopAll();
    }

    /** Starts the servers stopped by {@link #stopServers()} again, on the same ports, folders and passwords. */
    public void restartServers() {
        for (Map.Entry<Server, Launch> e : launches.entrySet()) {
            try {
                Process p = supervisor.launch(e.getValue());
                supervisor.waitFor(name(e.getKey()), p, e.getValue().log(), e.getValue().probe());
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
        RedisTarget main = endpoints.redisServer();
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
        ProcessHandle.of(r.pid()).ifPresent(h -> Supervisor.awaitExit(h, 5_000));
    }

    /**
     * Stops the process on {@code port} (SIGTERM, or SIGINT for Postgres: its own clean shutdown), waits {@code down},
     * and starts it again from the same folder, config and port; returns once it answers.
     */
    public void restart(int port, Duration down) {
        Running r = atPort(port).orElseThrow(() -> new ConfigException("no server of this stack listens on " + port));
        Launch l = r.server() == Server.REDIS ? byPort.get(port) : launches.get(r.server());
        if (r.server() == Server.POSTGRES) {
            Supervisor.signal(r.pid(), "INT");
        } else {
            ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroy);
        }
        ProcessHandle.of(r.pid()).ifPresent(h -> Supervisor.awaitExit(h, 10_000));
        Supervisor.sleep(down.toMillis());
        try {
            Process p = supervisor.launch(l);
            supervisor.waitFor(name(r.server()), p, l.log(), l.probe());
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
        pids.forEach(pid -> Supervisor.signal(pid, "STOP"));
        try {
            Supervisor.sleep(length.toMillis());
        } finally {
            pids.forEach(pid -> Supervisor.signal(pid, "CONT"));
        }
    }

    /**
     * {@code redis-cli --cluster reshard}: {@code slots} slots from node {@code fromId} to {@code toId}, through the
     * node at {@code via}; the password reaches redis-cli through {@code REDISCLI_AUTH}. Returns redis-cli's last line.
     */
    public String reshard(RedisTarget via, String fromId, String toId, int slots) {
        return RedisNodes.reshard(via, fromId, toId, slots);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static String name(Server s) {
        return switch (s) {
            case REDIS -> "redis-server";
            case MEMCACHED -> "memcached";
            case POSTGRES -> "postgres";
        };
    }
}
