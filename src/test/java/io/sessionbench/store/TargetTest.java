package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.store.redis.RedisClientKind;
import org.junit.jupiter.api.Test;

class TargetTest {
    @Test
    void everyLayoutAndClientRoundTripsThroughItsLabel() {
        for (Layout l : Layout.values()) {
            for (RedisClientKind c : RedisClientKind.values()) {
                Target t = new Target(l, c);
                assertThat(Target.parse(t.label())).as(t.label()).isEqualTo(t);
                assertThat(Target.of(l.label(), c.label())).isEqualTo(t);
                assertThat(t.redis()).isEqualTo(l.usesRedisClient());
                assertThat(t.label()).isEqualTo(l.usesRedisClient() ? l.label() + "/" + c.label() : l.label());
            }
        }
    }

    @Test
    void aRedisLayoutWithoutAClientIsLettuceAndOtherLayoutsHaveNone() {
        assertThat(Target.parse("redis-hash")).isEqualTo(new Target(Layout.REDIS_HASH, RedisClientKind.LETTUCE));
        assertThat(Target.of("postgres", "jedis").client()).as("JMH's default client parameter on postgres").isNull();
        assertThat(Target.of("redis-json", null).defaultClient()).isTrue();
        assertThat(Target.parse("redis-json/jedis").defaultClient()).isFalse();
        assertThat(Target.parse("memory").layout().floor()).isTrue();
    }

    @Test
    void unknownNamesAndAClientOnALayoutWithoutOneAreOneLine() {
        assertThatThrownBy(() -> Target.parse("valkey-json/lettuce")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown layout 'valkey-json'");
        assertThatThrownBy(() -> Target.parse("redis-hash/hiredis")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown Redis client 'hiredis'");
        assertThatThrownBy(() -> Target.parse("postgres/jedis")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("postgres has no Redis client");
    }

    @Test
    void factsLiveOnTheLayouts() {
        assertThat(Layout.REDIS_HASH.keyPrefix()).isEqualTo("sh");
        assertThat(Layout.REDIS_JSON.keyPrefix()).isEqualTo("sj");
        assertThat(Layout.REDIS_BLOB.keyPrefix()).isEqualTo("sb");
        assertThatThrownBy(Layout.POSTGRES::keyPrefix).isInstanceOf(IllegalArgumentException.class);
        assertThat(Layout.REDIS_HASH.readModifyWrite()).as("field-level updates").isFalse();
        assertThat(Layout.MEMCACHED_BLOB.readModifyWrite()).isTrue();
        assertThat(java.util.Arrays.stream(Layout.values()).map(Layout::colour).distinct()).hasSize(Layout.values().length);
    }
}
