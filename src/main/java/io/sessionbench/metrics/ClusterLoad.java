package io.sessionbench.metrics;

import io.sessionbench.infra.RedisTarget;
import io.sessionbench.text.MarkdownTable;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * Each Redis Cluster node's own account of a run, from {@code CLUSTER NODES}, {@code INFO commandstats}, {@code INFO
 * cpu} and {@code DBSIZE} before and after it: how the commands, keys and server CPU spread over the primaries (claim
 * C8), and the server CPU per command on each. The side queries ({@code INFO}, {@code CLUSTER}, {@code DBSIZE}) are
 * left out of the counts.
 */
public final class ClusterLoad {
    /** One node at one moment: its address, role, slots held, keys, command calls, and server CPU seconds. */
    public record Node(String address, String role, int slots, long keys, long calls, long usec, double cpuSeconds) {
    }

    private ClusterLoad() {
    }

    /** Every node of the cluster the seeds belong to (found through the first seed that answers); empty when none does. */
    public static List<Node> snapshot(List<RedisTarget> seeds) {
        return clusterNodes(seeds).map(e -> nodes(e.getKey(), e.getValue())).orElse(List.of());
    }

    /** {@code CLUSTER NODES} as the first seed that answers reports it, with that seed; empty when none answers. */
    public static java.util.Optional<java.util.Map.Entry<RedisTarget, String>> clusterNodes(List<RedisTarget> seeds) {
        for (RedisTarget seed : seeds) {
            try (Jedis j = RedisServerView.connect(seed)) {
                return java.util.Optional.of(java.util.Map.entry(seed, j.clusterNodes()));
            } catch (RuntimeException unavailable) {
                // ask the next seed
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * One line of {@code CLUSTER NODES}: id, address (without the bus port), role, the primary's id for a replica,
     * the slots held (migrating and importing markers left out), whether slot 0 is among them, and whether the node is
     * marked failing or has no address; {@code ranges} are the slot ranges as listed ({@code 0-5460}, {@code 7}).
     */
    public record NodeLine(String id, String address, boolean primary, String primaryId, int slots, boolean slotZero, boolean failed,
                           List<String> ranges) {
        /** A primary that is not marked failing. */
        public boolean livePrimary() {
            return primary && !failed;
        }

        /** Whether this node serves {@code slot} (a slot being migrated away is still its own until the move ends). */
        public boolean owns(int slot) {
            for (String r : ranges) {
                int dash = r.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? r : r.substring(0, dash));
                int hi = dash < 0 ? lo : Integer.parseInt(r.substring(dash + 1));
                if (slot >= lo && slot <= hi) {
                    return true;
                }
            }
            return false;
        }

        /** This node as a target with the seed's user, password and TLS. */
        public RedisTarget target(RedisTarget seed) {
            int colon = address.lastIndexOf(':');
            return new RedisTarget(seed.tls(), address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
                    seed.user(), seed.password(), 0, seed.files());
        }
    }

    /** The lines of a {@code CLUSTER NODES} reply. */
    public static List<NodeLine> parse(String clusterNodes) {
        List<NodeLine> out = new ArrayList<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
            int slots = 0;
            boolean zero = false;
            List<String> ranges = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                ranges.add(f[i]);
                int dash = f[i].indexOf('-');
                slots += dash < 0 ? 1 : Integer.parseInt(f[i].substring(dash + 1)) - Integer.parseInt(f[i].substring(0, dash)) + 1;
                zero |= f[i].equals("0") || f[i].startsWith("0-");
            }
            out.add(new NodeLine(f[0], address, f[2].contains("master"), f[3], slots, zero, f[2].contains("fail") || f[2].contains("noaddr"),
                    List.copyOf(ranges)));
        }
        return out;
    }

    private static List<Node> nodes(RedisTarget seed, String nodes) {
        List<Node> out = new ArrayList<>();
        for (NodeLine n : parse(nodes)) {
            // a node the cluster marks failing (killed, stalled) keeps its row, said as such, instead of dropping out
            out.add(n.failed() ? new Node(n.address(), (n.primary() ? "primary" : "replica") + ", marked failing", n.slots(), 0, 0, 0, 0)
                    : read(n.target(seed), n.address(), n.primary() ? "primary" : "replica", n.slots()));
        }
        return out;
    }

    private static Node read(RedisTarget t, String address, String role, int slots) {
        try (Jedis j = RedisServerView.connect(t)) {
            long[] stats = commandTotals(j.info("commandstats"));
            String cpu = j.info("cpu");
            return new Node(address, role, slots, j.dbSize(), stats[0], stats[1], field(cpu, "used_cpu_sys") + field(cpu, "used_cpu_user"));
        } catch (RuntimeException unavailable) {
            return new Node(address, role + " (did not answer)", slots, 0, 0, 0, 0);
        }
    }

    private static double field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }

    /** Calls and usec summed over every command but the side queries (INFO, CLUSTER, DBSIZE, PING). */
    static long[] commandTotals(String commandstats) {
        long calls = 0;
        long usec = 0;
        for (String line : commandstats.split("\r?\n")) {
            if (!line.startsWith("cmdstat_") || line.startsWith("cmdstat_info:") || line.startsWith("cmdstat_cluster|")
                    || line.startsWith("cmdstat_dbsize:") || line.startsWith("cmdstat_ping:")) {
                continue;
            }
            for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                if (kv.startsWith("calls=")) {
                    calls += Long.parseLong(kv.substring(6));
                } else if (kv.startsWith("usec=")) {
                    usec += Long.parseLong(kv.substring(5));
                }
            }
        }
        return new long[] {calls, usec};
    }

    /**
     * A markdown table of what each node did between {@code before} and {@code after}: commands, their share among
     * the primaries, keys at the end, server CPU seconds, and CPU microseconds per command.
     */
    public static String table(List<Node> before, List<Node> after) {
        long primaryCalls = 0;
        for (Node a : after) {
            if (a.role().equals("primary")) {
                primaryCalls += a.calls() - callsBefore(before, a);
            }
        }
        // Every node seen at either end: one that changed role says what it was; one gone by the end says so.
        List<Node> rows = new ArrayList<>(after);
        for (Node s : before) {
            if (after.stream().noneMatch(a -> a.address().equals(s.address()))) {
                rows.add(new Node(s.address(), s.role() + ", gone by the end (not in CLUSTER NODES)", 0, 0, s.calls(), 0, s.cpuSeconds()));
            }
        }
        MarkdownTable b = new MarkdownTable().text("node").text("role").number("slots").number("commands").number("share of primaries'")
                .number("keys at end").number("server CPU s").number("CPU µs / command");
        for (Node a : rows) {
            Node s = before.stream().filter(x -> x.address().equals(a.address())).findFirst().orElse(null);
            boolean answered = !a.role().contains("marked failing") && !a.role().contains("gone by the end") && !a.role().contains("did not answer");
            long calls = answered ? a.calls() - (s == null ? 0 : s.calls()) : 0;
            double cpu = answered ? a.cpuSeconds() - (s == null ? 0 : s.cpuSeconds()) : 0;
            String role = s != null && answered && !s.role().equals(a.role()) ? a.role() + " (was " + s.role() + ": promoted or demoted)" : a.role();
            b.row(a.address(), role, MarkdownTable.cell("%,d", a.slots()), answered ? MarkdownTable.cell("%,d", calls) : "–",
                    a.role().equals("primary") && primaryCalls > 0 ? MarkdownTable.cell("%.1f %%", 100.0 * calls / primaryCalls) : "–",
                    MarkdownTable.cell("%,d", a.keys()), MarkdownTable.cell("%.2f", cpu), calls > 0 ? MarkdownTable.cell("%.1f", cpu * 1e6 / calls) : "–");
        }
        return b.toString();
    }

    private static long callsBefore(List<Node> before, Node a) {
        return before.stream().filter(x -> x.address().equals(a.address())).mapToLong(Node::calls).findFirst().orElse(0);
    }
}
