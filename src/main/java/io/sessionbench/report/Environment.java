package io.sessionbench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.metrics.ServerProcesses;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code env.json}: machine, JVM, servers (versions, settings, redacted targets) and run settings; never passwords. */
public final class Environment {
    /**
     * The version of the results folders this build writes ({@code run.resultsVersion} in env.json; folders written
     * before it was recorded read as "1"): raised when a change makes older folders mean something else, so a history
     * refuses to mix them.
     */
    public static final String RESULTS_VERSION = "1";

    private Environment() {
    }

    public static ObjectNode collect(Targets targets, ObjectNode run) {
        if (run != null && !run.has("resultsVersion")) {
            run.put("resultsVersion", RESULTS_VERSION);
        }
        ObjectMapper m = new ObjectMapper();
        ObjectNode env = m.createObjectNode();
        ObjectNode machine = env.putObject("machine");
        machine.put("cpu", cpuModel());
        machine.put("cores", machineCores());
        machine.put("memory", memory());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        ObjectNode jvm = env.putObject("jvm");
        jvm.put("version", System.getProperty("java.vm.version"));
        jvm.put("vendor", System.getProperty("java.vm.vendor"));
        jvm.put("name", System.getProperty("java.vm.name"));
        jvm.put("args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        ArrayNode servers = env.putArray("servers");
        Endpoints e = targets.endpoints();
        List<LocalStack.Running> local = targets.localServers();
        java.util.Map<String, Boolean> onThisMachine = new java.util.LinkedHashMap<>();
        if (e.redisServer() != null) {
            addServer(servers, "redis", e.redisServer().redacted(), local, LocalStack.Server.REDIS, () -> io.sessionbench.infra.ServerProbes.redisVersion(e.redisServer()));
            onThisMachine.put("redis", ServerProcesses.onThisMachine(e.redisServer().host()));
        }
        if (e.hasRedis()) {
            ObjectNode clients = env.putObject("redisClients");
            io.sessionbench.store.redis.ClusterSettings cs = io.sessionbench.store.redis.ClusterSettings.parse(run.path("clusterClient").asText(""));
            for (io.sessionbench.store.redis.RedisClientKind k : io.sessionbench.store.redis.RedisClientKind.values()) {
                clients.put(k.label(), k.settings() + (e.redisCluster().isEmpty() ? "" : "; " + cs.describe(k)));
            }
        }
        if (!e.redisCluster().isEmpty()) {
            List<LocalStack.Running> helpers = targets.localHelpers();
            List<LocalStack.Running> nodes = new java.util.ArrayList<>(helpers);
            local.stream().filter(r -> r.server() == LocalStack.Server.REDIS).forEach(nodes::add);
            long primaries = nodes.stream().filter(r -> LocalStack.role(r).equals("cluster primary")).count();
            ObjectNode last = servers.isEmpty() ? servers.addObject().put("server", "redis").put("version", "?") : (ObjectNode) servers.get(servers.size() - 1);
            last.put("topology", "cluster " + new io.sessionbench.infra.ClusterTarget(e.redisCluster()).redacted()
                    + (helpers.isEmpty() ? " (given seeds; the clients discover the slot map)" : ": " + primaries + " primaries + "
                    + (nodes.size() - primaries) + " replicas started here (redis-cli --cluster create, cluster-node-timeout 2 s, "
                    + "asynchronous replication)") + "; key design " + run.path("redisKeys").asText("session"));
        }
        if (e.redisSentinel() != null) {
            if (e.redisServer() == null) {
                ObjectNode s = servers.addObject();
                s.put("server", "redis");
                s.put("target", e.redisSentinel().redacted());
                s.put("version", "?");
                s.put("settings", "given target; settings not inspected");
                onThisMachine.put("redis", e.redisSentinel().sentinels().stream().allMatch(h -> ServerProcesses.onThisMachine(h.host())));
            }
            List<LocalStack.Running> helpers = targets.localHelpers();
            long sentinels = helpers.stream().filter(LocalStack::isSentinel).count();
            ((ObjectNode) servers.get(servers.size() - 1)).put("topology", "sentinel " + e.redisSentinel().redacted()
                    + (helpers.isEmpty() ? " (the layouts find the master through it)" : ": primary + " + (helpers.size() - sentinels)
                    + " replicas (asynchronous replication) + " + sentinels + " sentinels started here, down-after 2 s, "
                    + "failover-timeout 10 s; the layouts find the primary through the sentinels"));
        }
        if (!e.memcached().isEmpty()) {
            var mc = e.memcached().get(0);
            addServer(servers, "memcached", String.valueOf(e.memcached()), local, LocalStack.Server.MEMCACHED,
                    () -> io.sessionbench.infra.ServerProbes.memcachedVersion(mc.host(), mc.port()));
            onThisMachine.put("memcached", e.memcached().stream().allMatch(h -> ServerProcesses.onThisMachine(h.host())));
        }
        if (e.postgres() != null) {
            addServer(servers, "postgres", e.postgres().toString(), local, LocalStack.Server.POSTGRES,
                    () -> io.sessionbench.infra.ServerProbes.postgresVersion(e.postgres(), false));
            onThisMachine.put("postgres", e.postgres().hosts().stream().allMatch(h -> ServerProcesses.onThisMachine(h.host())));
        }
        String targetsHere = ServerProcesses.of(targets).describeTargets();
        run.put("network", network(onThisMachine) + (targetsHere.isEmpty() ? "" : "; " + targetsHere));
        env.set("run", run);
        return env;
    }

    /**
     * Where the servers were, said so that unequal conditions cannot be missed: all on this machine (loopback), all
     * remote, or mixed, which names each side and says the two are not comparable.
     */
    static String network(java.util.Map<String, Boolean> onThisMachine) {
        List<String> near = onThisMachine.entrySet().stream().filter(java.util.Map.Entry::getValue).map(java.util.Map.Entry::getKey).toList();
        List<String> far = onThisMachine.entrySet().stream().filter(x -> !x.getValue()).map(java.util.Map.Entry::getKey).toList();
        if (far.isEmpty()) {
            return "loopback (client and servers on this machine, sharing its cores)";
        }
        if (near.isEmpty()) {
            return "network (remote servers: " + String.join(", ", far) + ")";
        }
        return "MIXED, not comparable across them: " + String.join(", ", far) + " over the network; " + String.join(", ", near)
                + " on this machine (loopback, sharing the client's cores)";
    }

    @FunctionalInterface
    private interface VersionProbe {
        String version() throws IOException;
    }

    private static void addServer(ArrayNode servers, String name, String target, List<LocalStack.Running> local,
                                  LocalStack.Server kind, VersionProbe probe) {
        ObjectNode s = servers.addObject();
        s.put("server", name);
        s.put("target", target);
        LocalStack.Running r = local.stream().filter(x -> x.server() == kind).findFirst().orElse(null);
        if (r != null) {
            s.put("version", r.version());
            s.put("settings", "local stack: " + String.join(", ", r.settings()));
        } else {
            try {
                s.put("version", probe.version());
            } catch (IOException | RuntimeException ex) {
                s.put("version", "unknown (" + ex.getClass().getSimpleName() + ")");
            }
            s.put("settings", "given target; settings not inspected");
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch");
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return Math.round(kb / 1024.0 / 1024.0) + " GiB RAM";
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "?";
        }
        return "?";
    }

    /** The machine's cores, not this JVM's share of them ({@code --pin} narrows {@code availableProcessors()}). */
    public static int machineCores() {
        try {
            long n = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("processor")).count();
            return n > 0 ? (int) n : Runtime.getRuntime().availableProcessors();
        } catch (java.io.IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
