package io.sessionbench.infra;

import io.sessionbench.infra.LocalStack.Running;
import io.sessionbench.infra.LocalStack.Server;
import io.sessionbench.infra.Supervisor.Launch;
import io.sessionbench.infra.Supervisor.Probe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds the local Redis in each topology: one server; a primary with two replicas watched by three sentinels; or a
 * six-node cluster. Each node is a {@code redis-server} started by the {@link Supervisor} with a config only its owner
 * reads; with {@code tls}, every node listens on TLS only.
 */
final class RedisNodes {
    static final int CLUSTER_NODES = 6;
    /** Short, so a failover experiment sees a promotion within seconds (the default is 15 s). */
    static final int CLUSTER_NODE_TIMEOUT_MS = 2000;

    /**
     * What was built: the main node (the stack's REDIS entry, the one {@code restartServers} restarts) and how it was
     * launched, the replicas and sentinels beside it, and what it adds to the stack's endpoints.
     */
    record Built(Running main, Launch mainLaunch, List<Running> helpers, UnaryOperator<Endpoints> endpoints) {
    }

    private final Supervisor supervisor;
    private final boolean tls;
    /** How each node was started, by port, for the fault experiments (filled as nodes start). */
    private final Map<Integer, Launch> byPort;

    RedisNodes(Supervisor supervisor, boolean tls, Map<Integer, Launch> byPort) {
        this.supervisor = supervisor;
        this.tls = tls;
        this.byPort = byPort;
    }

    Built standalone(Path dir, int port) throws IOException {
        String bin = Programs.binary("redis-server");
        Secret password = new Secret(Programs.randomHex(16));
        List<String> settings = new ArrayList<>(List.of("bind 127.0.0.1", "port " + port, "save \"\"", "appendonly no",
                "protected-mode yes", "maxmemory-policy noeviction"));
        TlsFiles files = null;
        if (tls) {
            Path certs = dir.resolve("tls");
            files = new TlsFiles(TlsMaterial.certificates(certs), null, null);
            TlsMaterial.tlsOnly(settings, certs, port);
            settings.add("tls-auth-clients no");
        }
        Path conf = dir.resolve("redis.conf");
        Programs.writePrivate(conf, String.join("\n", settings) + "\ndir " + dir + "\nrequirepass " + password.value() + "\n");
        RedisTarget target = new RedisTarget(tls, "127.0.0.1", port, "", password, 0, files);
        Launch l = new Launch(List.of(bin, conf.toString()), dir, dir.resolve("redis.log"), null, () -> ServerProbes.redisVersion(target));
        byPort.put(port, l);
        Process p = supervisor.launch(l);
        String version = supervisor.waitFor("redis-server", p, l.log(), l.probe());
        return new Built(new Running(Server.REDIS, port, version, p.pid(), dir, settings), l, List.of(), e -> e.withRedis(new RedisEndpoint.Standalone(target)));
    }

    /**
     * A primary on {@code port}, two replicas, and three sentinels that monitor it as {@code master}, all with one
     * password (the sentinels require it too); returns once both replicas are linked and each sentinel knows the two
     * replicas and the two other sentinels.
     */
    Built sentinel(Path dir, int port, String master) throws IOException {
        String bin = Programs.binary("redis-server");
        Secret password = new Secret(Programs.randomHex(16));
        Path certs = dir.resolve("tls");
        TlsFiles files = tls ? new TlsFiles(TlsMaterial.certificates(certs), null, null) : null;
        List<String> common = List.of("bind 127.0.0.1", "save \"\"", "appendonly no", "protected-mode yes",
                "maxmemory-policy noeviction");
        List<Integer> nodePorts = List.of(port, Programs.freePort(), Programs.freePort());
        RedisTarget primary = null;
        Running main = null;
        Launch mainLaunch = null;
        List<Running> helpers = new ArrayList<>();
        for (int i = 0; i < nodePorts.size(); i++) {
            int p = nodePorts.get(i);
            Path d = dir.resolve(i == 0 ? "primary" : "replica-" + i);
            List<String> settings = new ArrayList<>(common);
            settings.add(1, "port " + p);
            if (i > 0) {
                settings.add("replicaof 127.0.0.1 " + port);
            }
            sentinelTls(settings, certs, p);
            RedisTarget node = new RedisTarget(tls, "127.0.0.1", p, "", password, 0, files);
            Running r = node(bin, d, p, settings, password, i == 0 ? () -> ServerProbes.redisVersion(node) : () -> ServerProbes.replicaLinked(node));
            if (i == 0) {
                primary = node;
                main = r;
                mainLaunch = byPort.get(p);
            } else {
                helpers.add(r);
            }
        }
        List<HostPort> sentinels = new ArrayList<>();
        List<Process> sentinelProcesses = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int p = Programs.freePort();
            Path d = dir.resolve("sentinel-" + i);
            Files.createDirectories(d);
            List<String> conf = new ArrayList<>(List.of("bind 127.0.0.1", "port " + p,
                    "sentinel monitor " + master + " 127.0.0.1 " + port + " 2",
                    "sentinel down-after-milliseconds " + master + " 2000",
                    "sentinel failover-timeout " + master + " 10000"));
            sentinelTls(conf, certs, p);
            Programs.writePrivate(d.resolve("sentinel.conf"), String.join("\n", conf) + "\ndir " + d
                    + "\nsentinel auth-pass " + master + " " + password.value() + "\nrequirepass " + password.value()
                    + "\nsentinel sentinel-pass " + password.value() + "\n");
            RedisTarget sentinel = new RedisTarget(tls, "127.0.0.1", p, "", password, 0, files);
            Launch l = new Launch(List.of(bin, d.resolve("sentinel.conf").toString(), "--sentinel"), d, d.resolve("sentinel.log"),
                    null, () -> ServerProbes.redisVersion(sentinel));
            Process proc = supervisor.launch(l);
            List<String> settings = new ArrayList<>(List.of("sentinel"));
            settings.addAll(conf);
            helpers.add(new Running(Server.REDIS, p, supervisor.waitFor("redis-server", proc, l.log(), l.probe()), proc.pid(), d, settings));
            sentinels.add(new HostPort("127.0.0.1", p));
            sentinelProcesses.add(proc);
        }
        SentinelTarget target = new SentinelTarget(sentinels, master, "", password, tls, files);
        for (int i = 0; i < sentinels.size(); i++) {
            RedisTarget sentinel = target.node(sentinels.get(i));
            supervisor.waitFor("redis-server", sentinelProcesses.get(i), helpers.get(helpers.size() - 3 + i).dir().resolve("sentinel.log"),
                    () -> ServerProbes.sentinelReady(sentinel, master));
        }
        RedisTarget first = primary;
        return new Built(main, mainLaunch, helpers, e -> e.withRedis(new RedisEndpoint.Sentinel(target, first)));
    }

    /**
     * With TLS, a Sentinel-topology node or sentinel listens on TLS only and reaches the others over TLS too
     * ({@code tls-replication yes}: replication, and a sentinel's links to the nodes and the other sentinels), as
     * Redis's own TLS test runs Sentinel; clients need no certificate.
     */
    private void sentinelTls(List<String> settings, Path certs, int port) {
        if (tls) {
            TlsMaterial.tlsOnly(settings, certs, port);
            settings.addAll(List.of("tls-replication yes", "tls-auth-clients no"));
        }
    }

    /** Starts {@code redis-server} in {@code d} with {@code settings} and the password (also as {@code masterauth}), waits for {@code probe}. */
    private Running node(String bin, Path d, int p, List<String> settings, Secret password, Probe probe) throws IOException {
        Files.createDirectories(d);
        Programs.writePrivate(d.resolve("redis.conf"), String.join("\n", settings) + "\ndir " + d + "\nrequirepass " + password.value()
                + "\nmasterauth " + password.value() + "\n");
        Launch l = new Launch(List.of(bin, d.resolve("redis.conf").toString()), d, d.resolve("redis.log"), null, probe);
        Process proc = supervisor.launch(l);
        byPort.put(p, l);
        return new Running(Server.REDIS, p, supervisor.waitFor("redis-server", proc, l.log(), probe), proc.pid(), d, settings);
    }

    /**
     * Six cluster-enabled nodes (the first on {@code port}) joined by {@code redis-cli --cluster create
     * --cluster-replicas 1} into 3 primaries with one replica each, as Redis's {@code utils/create-cluster} does; returns
     * once every node reports {@code cluster_state:ok} and sees 6 nodes, and every replica is linked. The password
     * reaches redis-cli through {@code REDISCLI_AUTH}, never its command line.
     */
    Built cluster(Path dir, int port) throws IOException {
        String bin = Programs.binary("redis-server");
        Secret password = new Secret(Programs.randomHex(16));
        List<RedisTarget> nodes = new ArrayList<>();
        List<Running> started = new ArrayList<>();
        Path certs = dir.resolve("tls");
        TlsFiles files = tls ? new TlsFiles(TlsMaterial.certificates(certs), null, null) : null;
        for (int i = 0; i < CLUSTER_NODES; i++) {
            int p = i == 0 ? port : Programs.freeClusterPort();
            List<String> settings = new ArrayList<>(List.of("bind 127.0.0.1", "port " + p, "save \"\"", "appendonly no",
                    "protected-mode yes", "maxmemory-policy noeviction", "cluster-enabled yes", "cluster-config-file nodes.conf",
                    "cluster-node-timeout " + CLUSTER_NODE_TIMEOUT_MS));
            if (tls) {
                // clients, the cluster bus and replication all on TLS, as Redis's TLS test setup runs a cluster
                TlsMaterial.tlsOnly(settings, certs, p);
                settings.addAll(List.of("tls-cluster yes", "tls-replication yes", "tls-client-cert-file " + certs.resolve("server.crt"),
                        "tls-client-key-file " + certs.resolve("server.key"), "tls-auth-clients optional"));
            }
            RedisTarget node = new RedisTarget(tls, "127.0.0.1", p, "", password, 0, files);
            started.add(node(bin, dir.resolve("node-" + p), p, settings, password, () -> ServerProbes.redisVersion(node)));
            nodes.add(node);
        }
        List<String> create = new ArrayList<>(List.of(Programs.binary("redis-cli"), "--cluster", "create"));
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
            if (!p.waitFor(Supervisor.START_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new ConfigException("redis-cli --cluster create did not make the local cluster: "
                        + Supervisor.tail(dir.resolve("cluster-create.log")) + " (log: " + dir.resolve("cluster-create.log") + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while creating the local cluster");
        }
        Running main = null;
        List<Running> helpers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            RedisTarget node = nodes.get(i);
            Running r = started.get(i);
            String role = supervisor.waitFor("redis-server", supervisor.process(r.pid()), r.dir().resolve("redis.log"),
                    () -> ServerProbes.clusterReady(node, CLUSTER_NODES));
            List<String> settings = new ArrayList<>(r.settings());
            settings.add(0, "cluster " + role);
            Running labelled = new Running(r.server(), r.port(), r.version(), r.pid(), r.dir(), List.copyOf(settings));
            if (i == 0) {
                main = labelled;
            } else {
                helpers.add(labelled);
            }
        }
        List<RedisTarget> all = List.copyOf(nodes);
        return new Built(main, byPort.get(port), helpers, e -> e.withRedis(new RedisEndpoint.Cluster(all)));
    }

    /**
     * {@code redis-cli --cluster reshard}: {@code slots} slots from node {@code fromId} to {@code toId}, through the
     * node at {@code via}; the password reaches redis-cli through {@code REDISCLI_AUTH}. Returns redis-cli's last line.
     */
    static String reshard(RedisTarget via, String fromId, String toId, int slots) {
        List<String> cmd = new ArrayList<>(List.of(Programs.binary("redis-cli"), "--cluster", "reshard", via.host() + ":" + via.port(),
                "--cluster-from", fromId, "--cluster-to", toId, "--cluster-slots", String.valueOf(slots), "--cluster-yes"));
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
}
