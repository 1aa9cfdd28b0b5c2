package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.HostPort;
import io.sessionbench.infra.SentinelTarget;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.testing.TestStack;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** The local Sentinel topology as the stack starts it, and bad Sentinel targets refused in one line. */
@ExtendWith(TestStack.class)
class SentinelTest {

    @Test
    void theStackRunsAPrimaryWithTwoReplicasWatchedByThreeSentinelsThatKnowEachOther() {
        Endpoints e = TestStack.sentinelEndpoints();
        SentinelTarget s = e.redisSentinel();
        assertThat(s.sentinels()).hasSize(3);
        for (HostPort h : s.sentinels()) {
            try (Jedis j = new Jedis(new HostAndPort(h.host(), h.port()),
                    DefaultJedisClientConfig.builder().password(s.password().value()).build())) {
                assertThat(j.sentinelGetMasterAddrByName(s.master())).containsExactly("127.0.0.1", String.valueOf(e.redisServer().port()));
                assertThat(j.sentinelReplicas(s.master())).hasSize(2);
                assertThat(j.sentinelSentinels(s.master())).hasSize(2);
            }
        }
        // what a layout writes through Sentinel lands on the primary
        try (SessionStore store = Layout.REDIS_HASH.open(e, Layout.StoreOptions.DEFAULT)) {
            Session created = store.create("sentinel-user", Map.of("a", "1"));
            try (Jedis primary = new Jedis(new HostAndPort(e.redisServer().host(), e.redisServer().port()),
                    DefaultJedisClientConfig.builder().password(e.redisServer().password().value()).build())) {
                assertThat(primary.scan("0", new redis.clients.jedis.params.ScanParams().match("*" + created.id().value() + "*")
                        .count(1000)).getResult()).isNotEmpty();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RedisClientKind.class)
    void anUnknownMasterNameIsOneLineNamingTheMastersTheSentinelsKnow(RedisClientKind client) {
        Endpoints e = TestStack.sentinelEndpoints();
        SentinelTarget s = e.redisSentinel();
        Endpoints wrong = e.withRedisSentinel(new SentinelTarget(s.sentinels(), "nope", "", s.password()));
        assertThatThrownBy(() -> Layout.REDIS_HASH.open(wrong, Layout.StoreOptions.DEFAULT.withClient(client)).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("monitors no master named 'nope'").hasMessageContaining("it monitors sessionbench")
                .message().doesNotContain(s.password().value()).doesNotContain("\n");
    }

    @Test
    void sentinelsThatDoNotAnswerAreNamed() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        SentinelTarget nobody = new SentinelTarget(List.of(new HostPort("127.0.0.1", closed)), "sessionbench", "",
                TestStack.sentinelEndpoints().redisSentinel().password());
        assertThatThrownBy(() -> Layout.REDIS_JSON.open(Endpoints.NONE.withRedisSentinel(nobody), Layout.StoreOptions.DEFAULT).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining("no sentinel of redis-sentinel://:****@127.0.0.1:" + closed)
                .hasMessageContaining("answered");
    }

    @Test
    void everyLayoutAndClientWorksThroughSentinelsOnTlsWithTheCertificateVerified() {
        Endpoints e = TestStack.tlsSentinelEndpoints();
        assertThat(e.redisSentinel().tls()).isTrue();
        assertThat(e.redisSentinel().toString()).startsWith("rediss-sentinel://").doesNotContain(e.redisSentinel().password().value());
        for (Layout layout : new Layout[] {Layout.REDIS_HASH, Layout.REDIS_JSON, Layout.REDIS_BLOB}) {
            for (RedisClientKind c : RedisClientKind.values()) {
                try (SessionStore s = layout.open(e, Layout.StoreOptions.DEFAULT.withClient(c))) {
                    String user = "tls-sentinel-" + layout + "-" + c;
                    Session created = s.create(user, Map.of("cart", "2 items"));
                    assertThat(s.load(created.id())).as(layout + " " + c).map(x -> x.attributes().get("cart")).contains("2 items");
                    assertThat(s.invalidateAll(user)).as(layout + " " + c).isEqualTo(1);
                }
            }
        }
    }

    /** The timeout only stops a hang (3 s connect/read timeout per sentinel); it asserts no speed. */
    @ParameterizedTest
    @EnumSource(RedisClientKind.class)
    @org.junit.jupiter.api.Timeout(60)
    void plainAgainstTlsSentinelsIsOneLineAndDoesNotHang(RedisClientKind client) {
        SentinelTarget tls = TestStack.tlsSentinelEndpoints().redisSentinel();
        SentinelTarget plain = new SentinelTarget(tls.sentinels(), tls.master(), "", tls.password());
        assertThatThrownBy(() -> Layout.REDIS_HASH.open(Endpoints.NONE.withRedisSentinel(plain),
                Layout.StoreOptions.DEFAULT.withClient(client)).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining("no sentinel of redis-sentinel://:****@")
                .message().doesNotContain(tls.password().value()).doesNotContain("\n");
    }
}
