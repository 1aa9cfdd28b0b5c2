package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.ClusterTarget;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.store.redis.ClusterSettings;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.store.redis.RedisPort;
import io.sessionbench.store.redis.RedisScript;
import io.sessionbench.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a {@link RedisPort} does, for every client on every topology (one server, a Sentinel-managed primary, a
 * cluster). The layouts are written once over this interface, so {@link SessionStoreContractTest} runs each layout once
 * per topology; this class is what makes that enough: each client adapts the same commands the same way wherever it
 * connects (replies, the {@code NOSCRIPT} fallback, async answers, {@code SCAN}, failures as {@link StoreException}).
 */
@ExtendWith(TestStack.class)
@ParameterizedClass(name = "{0} on {1}")
@MethodSource("ports")
class RedisPortContractTest {
    enum Topology { STANDALONE, SENTINEL, CLUSTER }

    private final RedisClientKind client;
    private final Topology topology;
    private final List<RedisPort> opened = new ArrayList<>();
    /** Unique per test, so keys and scripts from earlier tests (or runs) never answer for this one. */
    private final String tag = UUID.randomUUID().toString();

    RedisPortContractTest(RedisClientKind client, Topology topology) {
        this.client = client;
        this.topology = topology;
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> ports() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        for (Topology t : Topology.values()) {
            for (RedisClientKind c : RedisClientKind.values()) {
                out.add(org.junit.jupiter.params.provider.Arguments.of(c, t));
            }
        }
        return out.stream();
    }

    private RedisPort port() {
        RedisPort p = switch (topology) {
            case STANDALONE -> client.openStandalone(TestStack.endpoints().redisServer(), 4);
            case SENTINEL -> client.openViaSentinel(TestStack.sentinelEndpoints().redisSentinel(), 4);
            case CLUSTER -> client.openCluster(new ClusterTarget(TestStack.clusterEndpoints().redisCluster()), 4, ClusterSettings.DEFAULT);
        };
        opened.add(p);
        return p;
    }

    @AfterEach
    void close() {
        opened.forEach(RedisPort::close);
    }

    private byte[] key(String name) {
        return b("port-test:" + tag + ":" + name);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(Object bytes) {
        return bytes == null ? null : new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    /** Scripts the server has never seen (the tag is in their source), so the first call must fall back to EVAL. */
    private RedisScript script(String name, RedisScript.Output output, String body) {
        return RedisScript.of(name, output, "-- " + tag + "\n" + body);
    }

    private RedisScript set() {
        return script("set", RedisScript.Output.INTEGER, "redis.call('SET', KEYS[1], ARGV[1]) return 1");
    }

    @Test
    void scriptsTheServerDoesNotKnowRunAndAnswerInTheirDeclaredShape() {
        RedisPort p = port();
        RedisScript get = script("get", RedisScript.Output.VALUE, "return redis.call('GET', KEYS[1])");
        RedisScript multi = script("multi", RedisScript.Output.MULTI, "return {ARGV[1], tonumber(ARGV[2]), redis.call('GET', KEYS[1])}");
        byte[][] k = {key("a")};
        assertThat(((Number) p.eval(set(), k, new byte[][] {b("v1")})).longValue()).as("INTEGER reply").isEqualTo(1);
        assertThat(s(p.eval(get, k, new byte[0][]))).as("VALUE reply").isEqualTo("v1");
        assertThat(p.eval(get, new byte[][] {key("missing")}, new byte[0][])).as("VALUE of a missing key").isNull();
        List<?> reply = (List<?>) p.eval(multi, k, new byte[][] {b("x"), b("42")});
        assertThat(reply).hasSize(3);
        assertThat(s(reply.get(0))).isEqualTo("x");
        assertThat(((Number) reply.get(1)).longValue()).isEqualTo(42);
        assertThat(s(reply.get(2))).isEqualTo("v1");
        // Second call of each: now by its SHA.
        assertThat(((Number) p.eval(set(), k, new byte[][] {b("v2")})).longValue()).isEqualTo(1);
        assertThat(s(p.eval(get, k, new byte[0][]))).isEqualTo("v2");
    }

    @Test
    void getSetExistingAndDelTellWhetherTheKeyWasThere() {
        RedisPort p = port();
        byte[] k = key("s");
        assertThat(p.get(k)).isNull();
        assertThat(p.setExisting(k, b("never"), 60_000)).as("SET XX on a missing key").isFalse();
        assertThat(p.get(k)).as("SET XX must not create").isNull();
        p.eval(set(), new byte[][] {k}, new byte[][] {b("first")});
        assertThat(p.setExisting(k, b("second"), 60_000)).isTrue();
        assertThat(s(p.get(k))).isEqualTo("second");
        RedisScript pttl = script("pttl", RedisScript.Output.INTEGER, "return redis.call('PTTL', KEYS[1])");
        assertThat(((Number) p.eval(pttl, new byte[][] {k}, new byte[0][])).longValue()).as("PX of SET XX").isBetween(1L, 60_000L);
        assertThat(p.del(k)).isTrue();
        assertThat(p.del(k)).as("DEL of a missing key").isFalse();
        assertThat(p.get(k)).isNull();
    }

    @Test
    void hashReadsReturnEveryFieldOrTheNamedOnesInOrder() {
        RedisPort p = port();
        byte[] k = key("h");
        RedisScript hset = script("hset", RedisScript.Output.INTEGER, "return redis.call('HSET', KEYS[1], 'a', '1', 'b', '2', 'c', '3')");
        assertThat(p.hgetall(k)).as("HGETALL of a missing key").isEmpty();
        p.eval(hset, new byte[][] {k}, new byte[0][]);
        Map<String, byte[]> all = p.hgetall(k);
        assertThat(all).containsOnlyKeys("a", "b", "c");
        assertThat(s(all.get("b"))).isEqualTo("2");
        List<byte[]> some = p.hmget(k, b("c"), b("missing"), b("a"));
        assertThat(some).hasSize(3);
        assertThat(s(some.get(0))).isEqualTo("3");
        assertThat(some.get(1)).as("a missing field").isNull();
        assertThat(s(some.get(2))).isEqualTo("1");
    }

    @Test
    void asyncCallsAnswerAsTheSyncOnesDoOnAsyncClientsOnly() throws Exception {
        RedisPort p = port();
        byte[] k = key("async");
        RedisScript hset = script("hset", RedisScript.Output.INTEGER, "return redis.call('HSET', KEYS[1], 'f', ARGV[1])");
        assertThat(p.async()).as("the port sends without waiting exactly when its client says it can").isEqualTo(client.async());
        if (!p.async()) {
            assertThatThrownBy(() -> p.evalAsync(hset, new byte[][] {k}, new byte[][] {b("v")})).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> p.hgetallAsync(k)).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        Object reply = p.evalAsync(hset, new byte[][] {k}, new byte[][] {b("v")}).toCompletableFuture().get();
        assertThat(((Number) reply).longValue()).isEqualTo(1);
        Map<String, byte[]> all = p.hgetallAsync(k).toCompletableFuture().get();
        assertThat(all).containsOnlyKeys("f");
        assertThat(s(all.get("f"))).isEqualTo("v");
        assertThat(p.hgetallAsync(key("missing")).toCompletableFuture().get()).isEmpty();
    }

    @Test
    void scanFindsTheMatchingKeysOnEveryNodeUpToTheLimit() {
        RedisPort p = port();
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            byte[] k = key("scan:" + i);
            p.eval(set(), new byte[][] {k}, new byte[][] {b("x")});
            written.add(s(k));
        }
        p.eval(set(), new byte[][] {b("other:" + tag)}, new byte[][] {b("x")});
        Set<String> found = new HashSet<>();
        p.scan("port-test:" + tag + ":scan:*", 1000).forEach(k -> found.add(s(k)));
        assertThat(found).as("a cluster's keys live on three primaries").isEqualTo(written);
        assertThat(p.scan("port-test:" + tag + ":scan:*", 10)).hasSizeLessThanOrEqualTo(10).isNotEmpty();
    }

    @Test
    void itKnowsItsTopologyClientAndServerVersion() {
        RedisPort p = port();
        assertThat(p.cluster()).isEqualTo(topology == Topology.CLUSTER);
        assertThat(p.client()).isEqualTo(client.label());
        assertThat(p.serverVersion()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void aScriptErrorIsAStoreErrorAndThePortStaysUsable() {
        RedisPort p = port();
        RedisScript bad = script("bad", RedisScript.Output.INTEGER, "return redis.error_reply('BROKEN by the test')");
        assertThatThrownBy(() -> p.eval(bad, new byte[][] {key("e")}, new byte[0][])).isInstanceOf(RuntimeException.class)
                .hasMessageContaining("BROKEN");
        assertThat(((Number) p.eval(set(), new byte[][] {key("e")}, new byte[][] {b("ok")})).longValue()).isEqualTo(1);
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailureThatDoesNotShowThePassword() {
        Endpoints e = switch (topology) {
            case STANDALONE -> TestStack.endpoints();
            case SENTINEL -> TestStack.sentinelEndpoints();
            case CLUSTER -> TestStack.clusterEndpoints();
        };
        Endpoints wrong = new Backend(Layout.REDIS_HASH, client, topology == Topology.SENTINEL,
                topology == Topology.CLUSTER ? io.sessionbench.store.redis.KeyDesign.USER : null).withWrongPassword(e);
        assertThatThrownBy(() -> {
            RedisPort p = switch (topology) {
                case STANDALONE -> client.openStandalone(wrong.redisServer(), 4);
                case SENTINEL -> client.openViaSentinel(wrong.redisSentinel(), 4);
                case CLUSTER -> client.openCluster(new ClusterTarget(wrong.redisCluster()), 4, ClusterSettings.DEFAULT);
            };
            try (p) {
                p.get(key("auth"));
            }
        }).isInstanceOf(StoreException.AuthenticationFailed.class).hasMessageContaining("credentials")
                .message().doesNotContain("wrong-");
    }
}
