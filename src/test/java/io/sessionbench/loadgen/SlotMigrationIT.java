package io.sessionbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.metrics.ClusterLoad;
import io.sessionbench.metrics.ClusterLoad.NodeLine;
import io.sessionbench.metrics.RedisServerView;
import io.sessionbench.testing.TestStack;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** C10's slot move on a real cluster: data arrives whole, the slot changes owner and comes back, every probe request is booked. */
@ExtendWith(TestStack.class)
class SlotMigrationIT {
    private static final SlotMigration.Config SMALL_RUN = new SlotMigration.Config(64 * 1024, 4, 1, 200, 5, 1, 50, 0);

    @Test
    void aMovedSlotChangesOwnerAndItsKeysArriveWhole() {
        Endpoints e = TestStack.clusterEndpoints();
        RedisTarget seed = e.redisCluster().get(0);
        int slot = SlotMigration.slot();
        List<NodeLine> nodes = ClusterLoad.parse(ClusterLoad.clusterNodes(e.redisCluster()).orElseThrow().getValue());
        NodeLine home = nodes.stream().filter(n -> n.primary() && n.owns(slot)).findFirst().orElseThrow();
        NodeLine away = nodes.stream().filter(n -> n.primary() && !n.owns(slot)).findFirst().orElseThrow();
        Map<String, Jedis> primaries = new LinkedHashMap<>();
        nodes.stream().filter(NodeLine::primary).forEach(n -> primaries.put(n.id(), RedisServerView.connect(n.target(seed))));
        try {
            String value = "v".repeat(100_000);
            primaries.get(home.id()).hset(SlotMigration.HASH_KEY, Map.of("a", value, "b", "2"));
            SlotMigration m = new SlotMigration(SMALL_RUN, e);
            SlotMigration.Move out = m.migrate(slot, home, away, primaries, true);
            assertThat(out.keys()).isEqualTo(1);
            assertThat(out.calls()).isEqualTo(1);
            List<NodeLine> after = ClusterLoad.parse(primaries.get(away.id()).clusterNodes());
            assertThat(after).filteredOn(n -> n.id().equals(away.id())).singleElement().matches(n -> n.owns(slot));
            assertThat(after).filteredOn(n -> n.id().equals(home.id())).singleElement().matches(n -> !n.owns(slot));
            assertThat(primaries.get(away.id()).hgetAll(SlotMigration.HASH_KEY)).containsEntry("a", value).containsEntry("b", "2");
            assertThat(primaries.get(home.id()).clusterCountKeysInSlot(slot)).isZero();
            m.migrate(slot, away, home, primaries, false);
            assertThat(ClusterLoad.parse(primaries.get(home.id()).clusterNodes())).filteredOn(n -> n.id().equals(home.id()))
                    .singleElement().matches(n -> n.owns(slot));
            assertThat(primaries.get(home.id()).hget(SlotMigration.HASH_KEY, "b")).isEqualTo("2");
            primaries.get(home.id()).del(SlotMigration.HASH_KEY);
        } finally {
            primaries.values().forEach(Jedis::close);
        }
    }

    @Test
    void eachShapeMovesOutAndBackAndEveryProbeRequestIsBooked() throws Exception {
        Endpoints e = TestStack.clusterEndpoints();
        List<SlotMigration.Result> results = new SlotMigration(SMALL_RUN, e)
                .run(List.of(SlotMigration.Shape.HASH, SlotMigration.Shape.SUBKEYS), System.out);
        assertThat(results).extracting(SlotMigration.Result::keys).containsExactly(1, 4);
        for (SlotMigration.Result r : results) {
            assertThat(r.moves()).extracting(SlotMigration.Move::out).containsExactly(true, false);
            // one key per MIGRATE: the hash in one call, the 4 sub-keys in 4
            assertThat(r.moves()).allSatisfy(m -> assertThat(m.calls()).isEqualTo(r.keys()));
            assertThat(r.quiet().requests()).isPositive();
            assertThat(r.leaving().requests() + r.arriving().requests() + r.quiet().requests()).isEqualTo(r.scheduled());
            assertThat(r.leaving().errors() + r.arriving().errors() + r.quiet().errors()).isZero();
        }
        // the slot is back where it was and the big session is gone
        Map.Entry<RedisTarget, String> nodes = ClusterLoad.clusterNodes(e.redisCluster()).orElseThrow();
        NodeLine owner = ClusterLoad.parse(nodes.getValue()).stream().filter(n -> n.primary() && n.owns(SlotMigration.slot()))
                .findFirst().orElseThrow();
        try (Jedis j = RedisServerView.connect(owner.target(e.redisCluster().get(0)))) {
            assertThat(j.clusterCountKeysInSlot(SlotMigration.slot())).isZero();
        }
        String md = SlotMigration.markdown(results, "conditions");
        assertThat(md).contains("| hash | 1 |").contains("| subkeys | 4 |");
    }
}
