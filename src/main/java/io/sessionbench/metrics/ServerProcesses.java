package io.sessionbench.metrics;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.HostPort;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.RedisEndpoint;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.Targets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The processes of the store under test that run on this machine: the servers the local stack started (replicas,
 * sentinels and cluster nodes included) and, for a target whose host is this machine (loopback or one of its
 * addresses), the processes listening on the target's ports, found in procfs ({@code /proc/net/tcp}, {@code tcp6} and
 * each process's socket inodes): every node of a cluster (from {@code CLUSTER NODES}), the sentinels and the servers
 * they manage, Postgres' postmaster (its backends are its children), Memcached. The noise probe counts their CPU as the
 * server's ({@link NoiseProbe#SERVER_PIDS}), never as other processes; what else runs stays a disturbance.
 */
public record ServerProcesses(List<Member> members, List<String> notFound) {

    /** One process: the server it belongs to ({@code redis}, {@code memcached}, {@code postgres}), its pid, and where it listens. */
    public record Member(LocalStack.Server server, long pid, String address, boolean target) {
    }

    public ServerProcesses {
        members = List.copyOf(members);
        notFound = List.copyOf(notFound);
    }

    public static final ServerProcesses NONE = new ServerProcesses(List.of(), List.of());

    /** The local stack's processes, then those of every target on this machine. */
    public static ServerProcesses of(Targets t) {
        List<Member> members = new ArrayList<>();
        for (LocalStack.Running r : t.localServers()) {
            members.add(new Member(r.server(), r.pid(), "127.0.0.1:" + r.port(), false));
        }
        for (LocalStack.Running r : t.localHelpers()) {
            members.add(new Member(r.server(), r.pid(), "127.0.0.1:" + r.port(), false));
        }
        Set<LocalStack.Server> started = new java.util.HashSet<>();
        t.localServers().forEach(r -> started.add(r.server()));
        Map<LocalStack.Server, List<HostPort>> targets = new LinkedHashMap<>();
        Endpoints e = t.endpoints();
        if (!started.contains(LocalStack.Server.REDIS) && e.hasRedis()) {
            targets.put(LocalStack.Server.REDIS, redisAddresses(e.redisEndpoint().orElseThrow()));
        }
        if (!started.contains(LocalStack.Server.MEMCACHED) && !e.memcached().isEmpty()) {
            targets.put(LocalStack.Server.MEMCACHED, e.memcached());
        }
        if (!started.contains(LocalStack.Server.POSTGRES) && e.postgres() != null) {
            targets.put(LocalStack.Server.POSTGRES, e.postgres().hosts());
        }
        return targets.isEmpty() ? new ServerProcesses(members, List.of()) : withTargets(members, targets, Procfs.listeners());
    }

    /** {@code members} plus the listeners of each target address on this machine; an address with none is noted. */
    static ServerProcesses withTargets(List<Member> members, Map<LocalStack.Server, List<HostPort>> targets, Map<Integer, Long> listeners) {
        List<Member> out = new ArrayList<>(members);
        List<String> notFound = new ArrayList<>();
        targets.forEach((server, addresses) -> {
            for (HostPort a : new LinkedHashSet<>(addresses)) {
                if (!onThisMachine(a.host())) {
                    continue;
                }
                Long pid = listeners.get(a.port());
                if (pid == null) {
                    notFound.add(server.name().toLowerCase(Locale.ROOT) + " " + a);
                } else if (out.stream().noneMatch(m -> m.pid() == pid)) {
                    out.add(new Member(server, pid, a.toString(), true));
                }
            }
        });
        return new ServerProcesses(out, notFound);
    }

    /**
     * Every address of a Redis target: the server; the sentinels, the primary and the replicas they report; every node
     * a cluster's seed lists. A query that fails leaves the addresses given.
     */
    static List<HostPort> redisAddresses(RedisEndpoint redis) {
        List<HostPort> out = new ArrayList<>();
        if (redis instanceof RedisEndpoint.Standalone s) {
            out.add(hostPort(s.server()));
        } else if (redis instanceof RedisEndpoint.Sentinel s) {
            out.addAll(s.sentinels().sentinels());
            if (s.primary() != null) {
                out.add(hostPort(s.primary()));
            }
            out.addAll(sentinelManaged(s));
        } else if (redis instanceof RedisEndpoint.Cluster c) {
            c.seeds().forEach(seed -> out.add(hostPort(seed)));
            ClusterLoad.clusterNodes(c.seeds()).ifPresent(nodes -> ClusterLoad.parse(nodes.getValue()).forEach(n -> {
                if (n.address().lastIndexOf(':') > 0) {
                    out.add(HostPort.parse("cluster node", n.address(), 6379));
                }
            }));
        }
        return out;
    }

    /** The primary and replicas the first answering sentinel names. */
    private static List<HostPort> sentinelManaged(RedisEndpoint.Sentinel s) {
        for (HostPort h : s.sentinels().sentinels()) {
            try (redis.clients.jedis.Jedis j = io.sessionbench.store.redis.SentinelCheck.sentinel(h, s.sentinels())) {
                List<HostPort> out = new ArrayList<>();
                List<String> primary = j.sentinelGetMasterAddrByName(s.sentinels().master());
                if (primary != null && primary.size() == 2) {
                    out.add(new HostPort(primary.get(0), Integer.parseInt(primary.get(1))));
                }
                for (Map<String, String> r : j.sentinelReplicas(s.sentinels().master())) {
                    out.add(new HostPort(r.get("ip"), Integer.parseInt(r.get("port"))));
                }
                return out;
            } catch (RuntimeException unavailable) {
                // ask the next sentinel
            }
        }
        return List.of();
    }

    private static HostPort hostPort(RedisTarget t) {
        return new HostPort(t.host(), t.port());
    }

    /** Whether {@code host} names this machine: loopback, the wildcard, or an address of one of its interfaces. */
    public static boolean onThisMachine(String host) {
        try {
            InetAddress a = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (UnknownHostException | SocketException | RuntimeException e) {
            return false;
        }
    }

    /** The value of {@link NoiseProbe#SERVER_PIDS}: {@code redis=123,redis=124,postgres=456}. */
    public String property() {
        return String.join(",", members.stream().map(m -> m.server().name().toLowerCase(Locale.ROOT) + "=" + m.pid()).toList());
    }

    /** The pids found listening on a target's ports. */
    public List<Long> targetPids() {
        return members.stream().filter(Member::target).map(Member::pid).toList();
    }

    /**
     * For the conditions: {@code target on this machine (redis pids 101, 102 listening on 127.0.0.1:7000, …), sharing its
     * cores with the client}, with the addresses on this machine where nothing listening was found; empty when no target
     * runs here.
     */
    public String describeTargets() {
        List<Member> t = members.stream().filter(Member::target).toList();
        if (t.isEmpty() && notFound.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (!t.isEmpty()) {
            Map<LocalStack.Server, List<Long>> byServer = new LinkedHashMap<>();
            t.forEach(m -> byServer.computeIfAbsent(m.server(), k -> new ArrayList<>()).add(m.pid()));
            List<String> parts = new ArrayList<>();
            byServer.forEach((server, pids) -> parts.add(server.name().toLowerCase(Locale.ROOT) + " pid" + (pids.size() == 1 ? " " : "s ")
                    + String.join(", ", pids.stream().map(String::valueOf).toList())));
            b.append("target on this machine (").append(String.join("; ", parts))
                    .append("), sharing its cores with the client: its CPU is the server's, not a disturbance");
        }
        if (!notFound.isEmpty()) {
            b.append(b.length() == 0 ? "" : "; ").append("on this machine but no listening process found for ")
                    .append(String.join(", ", notFound)).append(" (another user's process, or a container's proxy): its CPU counts as other processes");
        }
        return b.toString();
    }

    /** Listening TCP sockets from procfs, and the processes holding them. */
    static final class Procfs {
        private static final String LISTEN = "0A";

        private Procfs() {
        }

        /** Port → pid of every listening TCP socket (IPv4 and IPv6) whose owner this process may inspect. */
        static Map<Integer, Long> listeners() {
            Map<Long, Integer> inodes = new LinkedHashMap<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                try {
                    inodes.putAll(listeningInodes(Files.readAllLines(Path.of(table))));
                } catch (IOException | RuntimeException absent) {
                    // no IPv6, or no procfs: nothing found there
                }
            }
            Map<Integer, Long> out = new LinkedHashMap<>();
            if (inodes.isEmpty()) {
                return out;
            }
            java.io.File[] procs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
            for (java.io.File p : procs == null ? new java.io.File[0] : procs) {
                java.io.File[] fds = new java.io.File(p, "fd").listFiles();
                for (java.io.File fd : fds == null ? new java.io.File[0] : fds) {
                    Long inode = socketInode(fd.toPath());
                    if (inode != null && inodes.containsKey(inode)) {
                        out.putIfAbsent(inodes.get(inode), Long.parseLong(p.getName()));
                    }
                }
            }
            return out;
        }

        /** Inode → local port of the listening sockets in the lines of {@code /proc/net/tcp} or {@code tcp6}. */
        static Map<Long, Integer> listeningInodes(List<String> lines) {
            Map<Long, Integer> out = new LinkedHashMap<>();
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !f[0].endsWith(":") || !LISTEN.equals(f[3])) {
                    continue;
                }
                String local = f[1];
                int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
                out.put(Long.parseLong(f[9]), port);
            }
            return out;
        }

        private static Long socketInode(Path fd) {
            try {
                String link = Files.readSymbolicLink(fd).toString();
                return link.startsWith("socket:[") ? Long.parseLong(link.substring(8, link.length() - 1)) : null;
            } catch (IOException | RuntimeException gone) {
                return null;
            }
        }
    }
}
