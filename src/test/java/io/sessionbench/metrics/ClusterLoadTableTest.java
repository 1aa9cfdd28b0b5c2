package io.sessionbench.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The node table of a cluster run keeps every node: a killed one as failing or gone, a promoted one with what it was. */
class ClusterLoadTableTest {
    @Test
    void aKilledPrimaryAndItsPromotedReplicaAreBothInTheTable() {
        List<ClusterLoad.Node> before = List.of(new ClusterLoad.Node("127.0.0.1:7000", "primary", 5461, 100, 1_000, 0, 1.0),
                new ClusterLoad.Node("127.0.0.1:7003", "replica", 0, 100, 500, 0, 0.5),
                new ClusterLoad.Node("127.0.0.1:7001", "primary", 5462, 100, 1_000, 0, 1.0));
        List<ClusterLoad.Node> after = List.of(new ClusterLoad.Node("127.0.0.1:7000", "primary, marked failing", 5461, 0, 0, 0, 0),
                new ClusterLoad.Node("127.0.0.1:7003", "primary", 5461, 120, 3_000, 0, 2.0));
        String table = ClusterLoad.table(before, after);
        assertThat(table).contains("| 127.0.0.1:7000 | primary, marked failing |")
                .contains("| 127.0.0.1:7003 | primary (was replica: promoted or demoted) |")
                .contains("| 127.0.0.1:7001 | primary, gone by the end (not in CLUSTER NODES) |");
    }
}
