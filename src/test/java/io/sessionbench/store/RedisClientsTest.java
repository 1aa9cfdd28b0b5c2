package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.testing.RawWrites;
import io.sessionbench.testing.TestStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Properties of the Redis layouts that hold across clients: identical bytes, SCAN-only sampling. */
@ExtendWith(TestStack.class)
class RedisClientsTest {
    /** Every layout reached through a Redis client (a new one is tested here without editing this class). */
    static java.util.stream.Stream<Layout> redisLayouts() {
        return java.util.Arrays.stream(Layout.values()).filter(Layout::usesRedisClient);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("redisLayouts")
    void aSessionWrittenByOneClientReadsTheSameWithTheOthers(Layout layout) {
        Endpoints e = TestStack.endpoints();
        for (RedisClientKind writer : RedisClientKind.values()) {
            Session written;
            try (SessionStore w = layout.open(e, Layout.StoreOptions.DEFAULT.withClient(writer))) {
                written = w.create("u-" + UUID.randomUUID(), Map.of("role", "admin", "cart", "é€😀"));
                w.setAttribute(written.id(), "theme", "dark");
            }
            List<byte[]> raw = new ArrayList<>();
            for (RedisClientKind reader : RedisClientKind.values()) {
                try (SessionStore r = layout.open(e, Layout.StoreOptions.DEFAULT.withClient(reader))) {
                    Session read = r.load(written.id()).orElseThrow();
                    assertThat(read.attributes()).as("%s wrote, %s read", writer, reader)
                            .isEqualTo(Map.of("role", "admin", "cart", "é€😀", "theme", "dark"));
                    assertThat(read.userId()).isEqualTo(written.userId());
                }
            }
            RawWrites.redis(e, j -> raw.add(layout == Layout.REDIS_HASH
                    ? j.hget(RawWrites.key(layout, written.id()), "cart".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    : j.get(RawWrites.key(layout, written.id()))));
            assertThat(raw.get(0)).isNotNull();
        }
    }

    /**
     * The same session written by each client, with one fixed clock and one user, leaves the same bytes on the server:
     * the hash's fields and values, or the string value.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("redisLayouts")
    void everyClientWritesTheSameBytes(Layout layout) {
        Endpoints e = TestStack.endpoints();
        String user = "bytes-" + UUID.randomUUID();
        Map<RedisClientKind, String> onServer = new java.util.EnumMap<>(RedisClientKind.class);
        for (RedisClientKind client : RedisClientKind.values()) {
            Session s;
            try (SessionStore store = layout.build(e, Layout.StoreOptions.DEFAULT.withClient(client), () -> 1_764_000_000_000L)) {
                s = store.create(user, new java.util.LinkedHashMap<>(Map.of("role", "admin", "cart", "é€😀")));
                store.setAttribute(s.id(), "theme", "dark");
            }
            byte[] key = RawWrites.key(layout, s.id());
            RawWrites.redis(e, j -> {
                if (layout == Layout.REDIS_HASH) {
                    java.util.TreeMap<String, String> fields = new java.util.TreeMap<>();
                    j.hgetAll(key).forEach((k, v) -> fields.put(hex(k), hex(v)));
                    onServer.put(client, fields.toString());
                } else {
                    onServer.put(client, hex(j.get(key)));
                }
            });
        }
        assertThat(onServer.get(RedisClientKind.LETTUCE)).isNotEmpty();
        assertThat(onServer.get(RedisClientKind.JEDIS)).as("jedis vs lettuce").isEqualTo(onServer.get(RedisClientKind.LETTUCE));
        assertThat(onServer.get(RedisClientKind.REDISSON)).as("redisson vs lettuce").isEqualTo(onServer.get(RedisClientKind.LETTUCE));
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    @ParameterizedTest
    @EnumSource(RedisClientKind.class)
    void sampleUsesScanAndNeverKeys(RedisClientKind client) {
        Endpoints e = TestStack.endpoints();
        try (SessionStore s = Layout.REDIS_HASH.open(e, Layout.StoreOptions.DEFAULT.withClient(client))) {
            for (int i = 0; i < 20; i++) {
                s.create("u-" + UUID.randomUUID(), Map.of("i", "1"));
            }
            RawWrites.redis(e, j -> j.configResetStat());
            assertThat(s.sample(5)).hasSize(5);
            String[] stats = new String[1];
            RawWrites.redis(e, j -> stats[0] = j.info("commandstats"));
            assertThat(stats[0]).contains("cmdstat_scan:").doesNotContain("cmdstat_keys:");
        }
    }

    @Test
    void eachLayoutKeepsItsOwnKeysSoLayoutsCanShareAServer() {
        Endpoints e = TestStack.endpoints();
        try (SessionStore hash = Layout.REDIS_HASH.open(e, Layout.StoreOptions.DEFAULT);
             SessionStore json = Layout.REDIS_JSON.open(e, Layout.StoreOptions.DEFAULT)) {
            Session h = hash.create("shared-user-" + UUID.randomUUID(), Map.of());
            assertThat(json.load(h.id())).isEmpty();
            assertThat(json.sessions(h.userId())).isEmpty();
            assertThat(hash.sessions(h.userId())).containsExactly(h.id());
        }
    }
}
