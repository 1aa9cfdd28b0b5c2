package io.sessionbench.loadgen;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.metrics.ClusterLoad;
import io.sessionbench.metrics.ClusterLoad.NodeLine;
import io.sessionbench.metrics.RedisServerView;
import io.sessionbench.scenario.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import redis.clients.jedis.Jedis;

/**
 * Fires a scenario's faults at their times into the measurement, on one thread beside the generator, and records
 * what each did and how long it took. Faults act on servers the local stack started; on a target only the ones that
 * are commands (failover, pause, reshard, durability) and only with {@code --allow-faults-on-target}.
 */
public final class Faults {
    /** One fault as it happened: seconds into the measurement planned and actual, how long it took, and what it did. */
    public record Fired(String kind, double plannedSeconds, double firedSeconds, double tookSeconds, String action, String error) {
    }

    private final List<Scenario.Fault> faults;
    private final LocalStack stack;
    private final Endpoints endpoints;
    private final List<Fired> fired = Collections.synchronizedList(new ArrayList<>());
    private Thread thread;

    public Faults(List<Scenario.Fault> faults, LocalStack stack, Endpoints endpoints) {
        this.faults = faults.stream().sorted(java.util.Comparator.comparing(Scenario.Fault::at)).toList();
        this.stack = stack;
        this.endpoints = endpoints;
    }

    /**
     * Refuses, before anything starts, a fault the run cannot fire: a topology it needs that is not there, a process
     * fault on a server the stack will not start, a command fault on a target without {@code allowOnTarget}.
     */
    public static void check(Scenario s, LocalStack.Topology topology, Set<LocalStack.Server> local, boolean sentinelOrClusterGiven,
                             boolean clusterGiven, boolean allowOnTarget) {
        String where = "scenario " + s.name() + ": ";
        for (Scenario.Fault f : s.faults()) {
            LocalStack.Server server = LocalStack.Server.valueOf(f.server().toUpperCase(Locale.ROOT));
            boolean isLocal = local.contains(server);
            String kind = f.kind().label();
            switch (f.kind()) {
                case FAILOVER, KILL_PRIMARY -> {
                    boolean replicated = isLocal ? topology != LocalStack.Topology.STANDALONE : sentinelOrClusterGiven;
                    if (!replicated) {
                        throw new ConfigException(where + kind + " needs replicas to promote: run with --topology sentinel or "
                                + "--topology cluster");
                    }
                }
                case RESHARD -> {
                    if (isLocal ? topology != LocalStack.Topology.CLUSTER : !clusterGiven) {
                        throw new ConfigException(where + "reshard moves Cluster slots: run with --topology cluster");
                    }
                }
                default -> {
                }
            }
            boolean process = f.kind() == Scenario.FaultKind.KILL_PRIMARY || f.kind() == Scenario.FaultKind.RESTART
                    || f.kind() == Scenario.FaultKind.STALL;
            if (!isLocal && process) {
                throw new ConfigException(where + kind + " acts on a server process, and " + f.server() + " is a given target; "
                        + "faults on processes act only on servers the local stack starts (leave the " + f.server() + " target out)");
            }
            if (!isLocal && !allowOnTarget) {
                throw new ConfigException(where + kind + " would act on your " + f.server() + " target; faults act only on local "
                        + "servers unless you add --allow-faults-on-target");
            }
        }
        if (s.durability() != null && !local.contains(LocalStack.Server.REDIS) && !allowOnTarget) {
            throw new ConfigException(where + "durability: would CONFIG SET your Redis target; it applies to local servers "
                    + "unless you add --allow-faults-on-target");
        }
    }

    /** Sets the durability on every local Redis node (or the given target), kept across restarts; returns what was set. */
    public String applyDurability(Scenario.Durability d) {
        if (d == null) {
            return "as the servers run (the local stack starts Redis without persistence; Postgres is durable, Memcached keeps nothing)";
        }
        List<RedisTarget> nodes = stack != null && !stack.redisNodes().isEmpty() ? stack.redisNodes()
                : endpoints.redisCluster().isEmpty() ? List.of(endpoints.redisServer()) : endpoints.redisCluster();
        for (RedisTarget n : nodes) {
            try (Jedis j = RedisServerView.connect(n)) {
                boolean aof = d.appendfsync() != null && !d.appendfsync().equals("off");
                j.configSet("appendonly", aof ? "yes" : "no");
                if (aof) {
                    j.configSet("appendfsync", d.appendfsync());
                }
                j.configSet("min-replicas-to-write", String.valueOf(d.minReplicasToWrite() == null ? 0 : d.minReplicasToWrite()));
                if (stack != null) {
                    j.configRewrite(); // a restarted node keeps the setting (and reloads its AOF)
                }
            } catch (RuntimeException e) {
                throw new ConfigException("cannot set durability on " + n.redacted() + ": " + e.getMessage());
            }
        }
        return d.describe() + " on " + nodes.size() + " node(s)";
    }

    /** Starts the thread that fires each fault at measurement start + its {@code at}. */
    public void start(long measureStartNanos, FaultWatch watch) {
        thread = new Thread(() -> {
            for (Scenario.Fault f : faults) {
                long due = measureStartNanos + f.at().toNanos();
                while (System.nanoTime() < due) {
                    try {
                        Thread.sleep(Math.max(1, Math.min(50, (due - System.nanoTime()) / 1_000_000)));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                long t0 = System.nanoTime();
                watch.fired(t0);
                String action = null;
                String error = null;
                try {
                    action = fire(f);
                } catch (RuntimeException e) {
                    error = RedisTarget.redactUri(String.valueOf(e.getMessage()));
                }
                long t1 = System.nanoTime();
                fired.add(new Fired(f.kind().label(), f.at().toMillis() / 1e3, (t0 - measureStartNanos) / 1e9, (t1 - t0) / 1e9, action, error));
            }
        }, "sessionbench-faults");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for the faults still running (a restart or a failover may outlast the measurement) and returns them all. */
    public List<Fired> join() throws InterruptedException {
        if (thread != null) {
            thread.join(120_000);
        }
        synchronized (fired) {
            return List.copyOf(fired);
        }
    }

    private String fire(Scenario.Fault f) {
        return switch (f.kind()) {
            case FAILOVER -> failover();
            case KILL_PRIMARY -> killPrimary();
            case RESTART -> restart(f);
            case PAUSE -> pause(f.length());
            case STALL -> {
                int port = f.server().equals("redis") ? primary().port() : stack.port(server(f));
                stack.stall(port, f.length());
                yield "SIGSTOP of " + f.server() + " on port " + port + " for " + f.length().toMillis() + " ms, then SIGCONT";
            }
            case RESHARD -> reshard(f.slots());
        };
    }

    private static LocalStack.Server server(Scenario.Fault f) {
        return LocalStack.Server.valueOf(f.server().toUpperCase(Locale.ROOT));
    }

    private String restart(Scenario.Fault f) {
        int port = f.server().equals("redis") ? primary().port() : stack.port(server(f));
        long t0 = System.nanoTime();
        stack.restart(port, f.length());
        return String.format(Locale.ROOT, "%s on port %d stopped (SIGTERM%s), down %d ms, answering again %.2f s after the stop",
                f.server(), port, f.server().equals("postgres") ? "/SIGINT" : "", f.length().toMillis(), (System.nanoTime() - t0) / 1e9);
    }

    private String pause(Duration length) {
        RedisTarget p = primary();
        try (Jedis j = RedisServerView.connect(p)) {
            j.clientPause(length.toMillis());
        }
        return "CLIENT PAUSE " + length.toMillis() + " ms on the primary at port " + p.port();
    }

    // ---- topology ----------------------------------------------------------------------------------------------

    /** The node the layouts write to: the standalone server, Sentinel's master, or the cluster primary of slot 0. */
    private RedisTarget primary() {
        if (endpoints.redisSentinel() != null) {
            return sentinelMaster();
        }
        if (!endpoints.redisCluster().isEmpty()) {
            return node(clusterNodes().slotZeroPrimary());
        }
        return endpoints.redisServer();
    }

    private RedisTarget node(NodeLine n) {
        return n.target(endpoints.redisCluster().get(0));
    }

    private RedisTarget sentinelMaster() {
        io.sessionbench.infra.HostPort m = io.sessionbench.store.redis.SentinelCheck.master(endpoints.redisSentinel());
        // the data nodes' credentials: the primary's at the start when known, else the sentinels' own
        RedisTarget start = endpoints.redisServer();
        return start != null ? new RedisTarget(false, m.host(), m.port(), start.user(), start.password(), 0)
                : new RedisTarget(false, m.host(), m.port(), endpoints.redisSentinel().user(), endpoints.redisSentinel().password(), 0);
    }

    private record ClusterNodes(List<NodeLine> nodes) {
        NodeLine slotZeroPrimary() {
            return nodes.stream().filter(n -> n.primary() && n.slotZero() && !n.failed()).findFirst()
                    .orElseThrow(() -> new ConfigException("no healthy primary holds slot 0"));
        }

        NodeLine replicaOf(NodeLine p) {
            return nodes.stream().filter(n -> p.id().equals(n.primaryId()) && !n.failed()).findFirst()
                    .orElseThrow(() -> new ConfigException("the primary at " + p.address() + " has no healthy replica"));
        }

        NodeLine otherPrimary(NodeLine p) {
            return nodes.stream().filter(n -> n.livePrimary() && !n.id().equals(p.id())).findFirst()
                    .orElseThrow(() -> new ConfigException("the cluster has no second primary"));
        }
    }

    /** The cluster's nodes as {@code CLUSTER NODES} lists them (through the first seed that answers). */
    private ClusterNodes clusterNodes() {
        String text = ClusterLoad.clusterNodes(endpoints.redisCluster()).map(java.util.Map.Entry::getValue)
                .orElseThrow(() -> new ConfigException("no cluster seed answered CLUSTER NODES"));
        return new ClusterNodes(ClusterLoad.parse(text));
    }

    // ---- failover, kill, reshard ---------------------------------------------------------------------------------

    private String failover() {
        if (endpoints.redisSentinel() != null) {
            RedisTarget before = sentinelMaster();
            var s = endpoints.redisSentinel();
            long t0 = System.nanoTime();
            try (Jedis j = io.sessionbench.store.redis.SentinelCheck.sentinel(s.sentinels().get(0), s)) {
                j.sentinelFailover(s.master());
            }
            RedisTarget after = awaitNewSentinelMaster(before);
            return String.format(Locale.ROOT, "SENTINEL FAILOVER: primary %d → %d, the sentinels reported it after %.2f s", before.port(),
                    after.port(), (System.nanoTime() - t0) / 1e9);
        }
        ClusterNodes nodes = clusterNodes();
        NodeLine p = nodes.slotZeroPrimary();
        NodeLine r = nodes.replicaOf(p);
        long t0 = System.nanoTime();
        try (Jedis j = RedisServerView.connect(node(r))) {
            j.clusterFailover();
        }
        awaitSlotZeroOwner(p.id());
        return String.format(Locale.ROOT, "CLUSTER FAILOVER on replica %s: it held slot 0 as primary %.2f s later (was %s)", r.address(),
                (System.nanoTime() - t0) / 1e9, p.address());
    }

    private String killPrimary() {
        if (endpoints.redisSentinel() != null) {
            RedisTarget before = sentinelMaster();
            long t0 = System.nanoTime();
            stack.kill(before.port());
            RedisTarget after = awaitNewSentinelMaster(before);
            return String.format(Locale.ROOT, "kill -9 of primary %d; the sentinels promoted %d after %.2f s (down-after 2 s)",
                    before.port(), after.port(), (System.nanoTime() - t0) / 1e9);
        }
        NodeLine p = clusterNodes().slotZeroPrimary();
        long t0 = System.nanoTime();
        stack.kill(Integer.parseInt(p.address().substring(p.address().lastIndexOf(':') + 1)));
        NodeLine now = awaitSlotZeroOwner(p.id());
        return String.format(Locale.ROOT, "kill -9 of primary %s; replica %s held slot 0 as primary %.2f s later (cluster-node-timeout 2 s)",
                p.address(), now.address(), (System.nanoTime() - t0) / 1e9);
    }

    private String reshard(int slots) {
        ClusterNodes nodes = clusterNodes();
        NodeLine from = nodes.slotZeroPrimary();
        NodeLine to = nodes.otherPrimary(from);
        long t0 = System.nanoTime();
        String last = stack == null ? reshardWithoutStack() : stack.reshard(node(from), from.id(), to.id(), slots);
        return String.format(Locale.ROOT, "redis-cli --cluster reshard: %d slots from %s to %s in %.2f s (%s)", slots, from.address(),
                to.address(), (System.nanoTime() - t0) / 1e9, last);
    }

    private static String reshardWithoutStack() {
        throw new ConfigException("reshard runs redis-cli against the local cluster; it is not offered for a given target");
    }

    private RedisTarget awaitNewSentinelMaster(RedisTarget before) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                RedisTarget now = sentinelMaster();
                if (now.port() != before.port() || !now.host().equals(before.host())) {
                    return now;
                }
            } catch (RuntimeException retry) {
                // sentinels busy with the failover
            }
            pauseBriefly();
        }
        throw new ConfigException("the sentinels still name " + before.port() + " as primary after 60 s");
    }

    private NodeLine awaitSlotZeroOwner(String oldId) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                NodeLine now = clusterNodes().slotZeroPrimary();
                if (!now.id().equals(oldId)) {
                    return now;
                }
            } catch (RuntimeException retry) {
                // slot 0 has no healthy owner yet
            }
            pauseBriefly();
        }
        throw new ConfigException("slot 0 still belongs to the old primary after 60 s");
    }

    private static void pauseBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while waiting for the failover");
        }
    }
}
