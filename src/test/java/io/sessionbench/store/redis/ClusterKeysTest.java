package io.sessionbench.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.store.Layout;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.testing.TestStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The three key designs on a real local Redis Cluster: where their keys land, and what the session-tagged design
 * gives up because its create, listing and invalidate-all cross slots.
 */
@ExtendWith(TestStack.class)
class ClusterKeysTest {

    private static RedisLayout open(KeyDesign keys) {
        return (RedisLayout) Layout.REDIS_HASH.open(TestStack.clusterEndpoints(),
                new Layout.StoreOptions(RedisClientKind.LETTUCE, SessionPolicy.DEFAULT, 4, false).withKeys(keys));
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private static int slot(String key) {
        return JedisClusterCRC16.getSlot(key);
    }

    @Test
    void userTaggedIdsCarryTheUsersSlotTagAndKeepTheirRandomBits() {
        try (RedisLayout s = open(KeyDesign.USER)) {
            String user = user();
            Session a = s.create(user, Map.of("k", "v"));
            Session b = s.create(user, Map.of("k", "v"));
            assertThat(s.stepwise()).as("one script per create on a cluster").isFalse();
            assertThat(a.id().value()).hasSize(KeyDesign.TAG_LENGTH + 22).startsWith(KeyDesign.tag(user));
            assertThat(a.id().value().substring(KeyDesign.TAG_LENGTH)).isNotEqualTo(b.id().value().substring(KeyDesign.TAG_LENGTH));
            int slot = slot(RedisLayout.string(s.sessionKey(a.id())));
            assertThat(slot(RedisLayout.string(s.sessionKey(b.id())))).isEqualTo(slot);
            assertThat(slot(RedisLayout.string(s.userKey(user)))).as("index in the sessions' slot").isEqualTo(slot);
            assertThat(s.load(a.id())).as("found from the id alone").isPresent();
            assertThat(s.sessions(user)).containsExactly(a.id(), b.id());
            assertThat(s.invalidateAll(user)).isEqualTo(2);
            assertThat(s.load(b.id())).isEmpty();
        }
    }

    @Test
    void sessionTaggedKeysSpreadOverSlotsAndNamespaceKeysShareOne() {
        try (RedisLayout spread = open(KeyDesign.SESSION); RedisLayout one = open(KeyDesign.NAMESPACE)) {
            String user = user();
            List<Integer> spreadSlots = new ArrayList<>();
            List<Integer> oneSlots = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                spreadSlots.add(slot(RedisLayout.string(spread.sessionKey(spread.create(user, Map.of()).id()))));
                oneSlots.add(slot(RedisLayout.string(one.sessionKey(one.create(user, Map.of()).id()))));
            }
            assertThat(spread.stepwise()).isTrue();
            assertThat(one.stepwise()).isFalse();
            assertThat(spreadSlots).as("random ids: three slots (a collision has odds of about 1 in 5,000)").doesNotHaveDuplicates();
            assertThat(oneSlots).containsOnly(slot("{sessions}"));
            assertThat(slot(RedisLayout.string(one.userKey(user)))).isEqualTo(slot("{sessions}"));
        }
    }

    /**
     * Session-tagged on a cluster: while a create is between its session write and its index step, the user holds
     * one session more than the cap; a client that dies there leaves a live session that the listing, the cap and
     * invalidate-all never see.
     */
    @Test
    void sessionTaggedCreateCrossesSlotsSoTheCapIsExceededMidwayAndADeadClientLeavesAnUnindexedSession() {
        try (RedisLayout s = open(KeyDesign.SESSION)) {
            String user = user();
            List<SessionId> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(s.create(user, Map.of()).id());
            }
            int[] liveMidway = new int[1];
            s.afterSessionWrite = () -> liveMidway[0] = (int) ids.stream().filter(id -> s.load(id).isPresent()).count() + 1;
            Session fourth = s.create(user, Map.of());
            assertThat(liveMidway[0]).as("between the write and the index step: 3 old + the new one, cap 3").isEqualTo(4);
            assertThat(s.load(ids.get(0))).as("then the oldest is evicted").isEmpty();
            assertThat(s.sessions(user)).containsExactly(ids.get(1), ids.get(2), fourth.id());

            s.afterSessionWrite = () -> {
                throw new IllegalStateException("client died between the session write and the index step");
            };
            SessionId[] orphan = new SessionId[1];
            assertThatThrownBy(() -> s.create(user, Map.of("x", "1"))).hasMessageContaining("client died");
            s.afterSessionWrite = () -> { };
            for (byte[] key : s.redis.scan("sh:{*}", 1_000_000)) {
                SessionId id = KeyDesign.SESSION.idOfKey("sh", RedisLayout.string(key)).orElseThrow();
                if (s.load(id).filter(x -> x.userId().equals(user)).isPresent() && !s.sessions(user).contains(id)) {
                    orphan[0] = id;
                }
            }
            assertThat(orphan[0]).as("a live session of the user outside the index").isNotNull();
            assertThat(s.invalidateAll(user)).isEqualTo(3);
            assertThat(s.load(orphan[0])).as("invalidate-all did not reach it; it lives until its idle TTL").isPresent();
            s.invalidate(orphan[0]);
        }
    }

    @Test
    void userTaggedCreateIsOneStepSoNothingIsLeftOutsideTheIndex() {
        try (RedisLayout s = open(KeyDesign.USER)) {
            String user = user();
            s.afterSessionWrite = () -> {
                throw new IllegalStateException("never reached: the create is one script");
            };
            List<SessionId> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(s.create(user, Map.of()).id());
            }
            assertThat(s.sessions(user)).containsExactlyElementsOf(ids.subList(1, 4));
            assertThat(s.invalidateAll(user)).isEqualTo(3);
            assertThat(ids).allSatisfy(id -> assertThat(s.load(id)).isEmpty());
        }
    }

    @Test
    void aClusterSeedThatIsAStandaloneServerAndAStandaloneTargetThatIsAClusterNodeAreOneLineEach() {
        Endpoints standalone = TestStack.endpoints();
        Endpoints seedsAreStandalone = Endpoints.NONE.withRedisCluster(List.of(standalone.redisServer()));
        for (RedisClientKind c : RedisClientKind.values()) {
            Layout.StoreOptions o = new Layout.StoreOptions(c, SessionPolicy.DEFAULT, 2, false);
            assertThatThrownBy(() -> Layout.REDIS_HASH.open(seedsAreStandalone, o)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("is a standalone server (cluster_enabled:0)").hasMessageNotContaining("\n")
                    .hasMessageNotContaining(standalone.redisServer().password().value());
            Endpoints nodeAsStandalone = Endpoints.NONE.withRedis(TestStack.clusterEndpoints().redisCluster().get(0));
            assertThatThrownBy(() -> Layout.REDIS_HASH.open(nodeAsStandalone, o)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("is a Redis Cluster node (cluster_enabled:1)").hasMessageContaining("SESSIONBENCH_REDIS_CLUSTER")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void everyClientReadsWhatAnotherWroteOnTheCluster() {
        for (KeyDesign keys : KeyDesign.values()) {
            List<SessionStore> stores = new ArrayList<>();
            try {
                for (RedisClientKind c : RedisClientKind.values()) {
                    stores.add(Layout.REDIS_JSON.open(TestStack.clusterEndpoints(),
                            new Layout.StoreOptions(c, SessionPolicy.DEFAULT, 2, false).withKeys(keys)));
                }
                for (SessionStore writer : stores) {
                    Session s = writer.create(user(), Map.of("cart", "3 items"));
                    for (SessionStore reader : stores) {
                        assertThat(reader.load(s.id())).as(keys + " " + reader).map(x -> x.attributes().get("cart")).contains("3 items");
                    }
                }
            } finally {
                stores.forEach(SessionStore::close);
            }
        }
    }

    @Test
    void eachDesignSamplesOnlyItsOwnSessionsAmongTheOthersKeysAndIndexes() {
        List<RedisLayout> stores = new ArrayList<>();
        try {
            for (KeyDesign d : KeyDesign.values()) {
                RedisLayout s = open(d);
                stores.add(s);
                for (int i = 0; i < 5; i++) {
                    s.create(user(), Map.of("design", d.label()));
                }
            }
            for (RedisLayout s : stores) {
                String pattern = s.keys().scanPattern("sh");
                List<String> scanned = s.redis.scan(pattern, 100_000).stream().map(RedisLayout::string).toList();
                assertThat(scanned).as(pattern).isNotEmpty().allSatisfy(k -> assertThat(s.keys().idOfKey("sh", k)).as(k).isPresent())
                        .noneMatch(k -> k.contains(":u:"));
                assertThat(s.sample(5)).hasSize(5).allSatisfy(x -> assertThat(RedisLayout.string(s.sessionKey(x.id())))
                        .as("sampled through its own design").isIn(scanned));
            }
        } finally {
            stores.forEach(RedisLayout::close);
        }
    }

    @Test
    void everyLayoutAndClientWorksOnAClusterOnTlsWithTheCertificateVerified() {
        io.sessionbench.infra.Endpoints e = TestStack.tlsClusterEndpoints();
        assertThat(e.redisCluster()).allSatisfy(t -> assertThat(t.tls()).isTrue());
        for (Layout layout : new Layout[] {Layout.REDIS_HASH, Layout.REDIS_JSON, Layout.REDIS_BLOB}) {
            for (RedisClientKind c : RedisClientKind.values()) {
                try (SessionStore s = layout.open(e, new Layout.StoreOptions(c, SessionPolicy.DEFAULT, 2, false).withKeys(KeyDesign.USER))) {
                    String user = user();
                    Session created = s.create(user, Map.of("cart", "2 items"));
                    assertThat(s.load(created.id())).as(layout + " " + c).map(x -> x.attributes().get("cart")).contains("2 items");
                    assertThat(s.request(created.id(), List.of("cart"))).as(layout + " " + c).isPresent();
                    assertThat(s.invalidateAll(user)).isEqualTo(1);
                }
            }
        }
    }
}
