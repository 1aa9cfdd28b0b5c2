package io.sessionbench.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.metrics.ClusterLoad;
import java.util.List;

/** Puts the per-node table of a run on a Redis Cluster into {@code env.json} (the report shows it) and on the console. */
public final class ClusterLoadReport {
    private ClusterLoadReport() {
    }

    /** Nothing when the run had no cluster; {@code span} says what the figures cover. */
    public static void add(ObjectNode env, List<ClusterLoad.Node> before, List<RedisTarget> seeds, String span) {
        if (before.isEmpty() || env == null) {
            return;
        }
        String table = ClusterLoad.table(before, ClusterLoad.snapshot(seeds));
        ObjectNode node = env.putObject("clusterLoad");
        node.put("span", span);
        node.put("table", table);
        System.out.println("load per cluster node over " + span + ":");
        System.out.print(table);
    }
}
