package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.metrics.ClusterLoad;
import io.sessionbench.store.redis.KeyDesign;
import io.sessionbench.metrics.RedisServerView;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.redis.RedisAcl;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.testing.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * The least-privilege ACL of each Redis layout ({@link RedisAcl}, the ACL SETUSER lines of docs/targets.md): every operation of
 * the layout works with every client as that user, safe and naive; other layouts' keys and other commands get NOPERM,
 * named with the command and the key.
 */
@ExtendWith(TestStack.class)
class AclTest {
    static Stream<Arguments> layoutsAndClients() {
        return Stream.of(Layout.REDIS_HASH, Layout.REDIS_JSON, Layout.REDIS_BLOB)
                .flatMap(l -> Stream.of(RedisClientKind.values()).map(c -> Arguments.of(l, c)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("layoutsAndClients")
    void everyOperationWorksAsTheLayoutsOwnUser(Layout layout, RedisClientKind client) {
        RedisTarget user = RedisAcl.createUser(TestStack.endpoints().redisServer(), layout);
        everyOperationWorks(layout, Endpoints.NONE.withRedis(user), Layout.StoreOptions.DEFAULT.withClient(client), "");
    }

    /** On a cluster, with the user on every node: the layout's rules plus the cluster client's commands are enough. */
    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("layoutsAndClients")
    void everyOperationWorksAsTheLayoutsOwnUserOnACluster(Layout layout, RedisClientKind client) {
        List<RedisTarget> users = RedisAcl.createUser(clusterNodes(), RedisAcl.clusterRules(layout), layout);
        everyOperationWorks(layout, Endpoints.NONE.withRedisCluster(users),
                Layout.StoreOptions.DEFAULT.withClient(client).withKeys(KeyDesign.USER), "cluster-");
    }

    /** The one-server rules on a cluster: the client's first cluster command is refused, and the message names it. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(RedisClientKind.class)
    void withoutTheClusterCommandsAClusterClientIsRefusedNamingTheCommand(RedisClientKind client) {
        List<RedisTarget> users = RedisAcl.createUser(clusterNodes(), RedisAcl.rules(Layout.REDIS_HASH), Layout.REDIS_HASH);
        assertThatThrownBy(() -> Layout.REDIS_HASH.open(Endpoints.NONE.withRedisCluster(users),
                Layout.StoreOptions.DEFAULT.withClient(client).withKeys(KeyDesign.USER)).close())
                .isInstanceOf(io.sessionbench.infra.ConfigException.class)
                .hasMessageContaining("does not allow user '" + users.get(0).user() + "' to run CLUSTER NODES (NOPERM)")
                .hasMessageContaining(RedisAcl.clusterAddition(users.get(0).user()))
                .message().doesNotContain(users.get(0).password().value()).doesNotContain("\n");
    }

    /** Every node of the test cluster, replicas included, as the admin user. */
    private static List<RedisTarget> clusterNodes() {
        List<RedisTarget> seeds = TestStack.clusterEndpoints().redisCluster();
        return ClusterLoad.parse(ClusterLoad.clusterNodes(seeds).orElseThrow().getValue()).stream()
                .filter(n -> !n.failed()).map(n -> n.target(seeds.get(0))).toList();
    }

    private static void everyOperationWorks(Layout layout, Endpoints endpoints, Layout.StoreOptions options, String where) {
        for (boolean safe : new boolean[] {true, false}) {
            SessionPolicy policy = new SessionPolicy(Duration.ofMinutes(30), Duration.ZERO, 3, 1_500_000, safe);
            try (SessionStore s = layout.open(endpoints, options.withPolicy(policy))) {
                String who = "acl-" + where + layout.label() + "-" + options.client().label() + "-" + safe;
                Session first = s.create(who, Map.of("auth", "yes", "perms", "r"));
                for (int i = 0; i < 3; i++) {
                    s.create(who, Map.of("auth", "yes"));
                }
                assertThat(s.load(first.id())).as("the cap of 3 evicted the oldest").isEmpty();
                Session c = s.create(who, Map.of("auth", "yes", "perms", "r", "prefs", "p"));
                assertThat(s.request(c.id(), Workload.CHECKS)).isPresent();
                assertThat(s.attribute(c.id(), "perms")).contains("r");
                assertThat(s.setAttribute(c.id(), "cart", "1")).isTrue();
                assertThat(s.setAttributes(c.id(), Map.of("cart", "2", "x", "y"))).isTrue();
                assertThat(s.touch(c.id())).isTrue();
                assertThat(s.sessions(who)).contains(c.id());
                assertThat(s.sample(2)).isNotEmpty();
                assertThat(s.invalidate(c.id())).isTrue();
                assertThat(s.invalidateAll(who)).isEqualTo(2);
            }
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("layoutsAndClients")
    void anotherLayoutsKeysAreRefusedNamingTheCommandAndTheKey(Layout layout, RedisClientKind client) {
        RedisTarget user = RedisAcl.createUser(TestStack.endpoints().redisServer(), layout);
        Layout other = layout == Layout.REDIS_HASH ? Layout.REDIS_JSON : Layout.REDIS_HASH;
        assertThatThrownBy(() -> {
            try (SessionStore s = other.open(Endpoints.NONE.withRedis(user), Layout.StoreOptions.DEFAULT.withClient(client))) {
                s.create("acl-other", Map.of("a", "1"));
            }
        }).isInstanceOf(StoreException.AuthenticationFailed.class)
                .hasMessageContaining("does not allow user '" + user.user() + "'")
                .hasMessageContaining("EVALSHA").hasMessageContaining(" " + RedisAcl.prefix(other) + ":{")
                .hasMessageContaining("NOPERM").message().doesNotContain("channel: [").doesNotContain(user.password().value());
    }

    @Test
    void commandsOutsideTheLayoutAndForeignKeysGetNoPerm() {
        RedisTarget user = RedisAcl.createUser(TestStack.endpoints().redisServer(), Layout.REDIS_HASH);
        try (Jedis j = RedisServerView.connect(user)) {
            for (Runnable forbidden : List.<Runnable>of(j::flushAll, () -> j.keys("*"), () -> j.get("sj:{x}"),
                    () -> j.configGet("maxmemory"), () -> j.set("other:key", "v"))) {
                assertThatThrownBy(forbidden::run).hasMessageContaining("NOPERM");
            }
            assertThat(j.hgetAll("sh:{absent}")).isEmpty();
        }
    }

    @Test
    void theDocsListTheLinesThisTestProves() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "targets.md"));
        assertThat(readme).contains(RedisAcl.clusterAddition("sessions-redis-hash"));
        for (Layout l : List.of(Layout.REDIS_HASH, Layout.REDIS_JSON, Layout.REDIS_BLOB)) {
            assertThat(readme).contains(RedisAcl.setUserLine(l, "sessions-" + l.label()));
        }
    }
}
