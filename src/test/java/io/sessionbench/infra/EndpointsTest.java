package io.sessionbench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointsTest {

    @Test
    void redisUriPartsAreParsedAndThePasswordIsRedacted() {
        RedisTarget t = RedisTarget.parse("rediss://app:s3cr%40t@cache.example:6380/2");
        assertThat(t.tls()).isTrue();
        assertThat(t.host()).isEqualTo("cache.example");
        assertThat(t.port()).isEqualTo(6380);
        assertThat(t.user()).isEqualTo("app");
        assertThat(t.password().value()).isEqualTo("s3cr@t");
        assertThat(t.database()).isEqualTo(2);
        assertThat(t.toString()).isEqualTo("rediss://app:****@cache.example:6380/2").doesNotContain("s3cr");
        assertThat(RedisTarget.parse(t.withSecret())).isEqualTo(t);
    }

    @Test
    void malformedTargetsGetOneReadableLineWithoutThePassword() {
        assertThatThrownBy(() -> RedisTarget.parse("http://:hunter2@host:1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis://").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisTarget.parse("redis://:hunter2@host:99999"))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisTarget.parse("redis://:hunter2@host:1/abc"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> HostPort.parseList("Memcached target", "a:1,:2", 11211))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no host");
        assertThatThrownBy(() -> PostgresTarget.parse("mysql://x", null, null)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> PostgresTarget.parse("jdbc:postgresql://h/db?password=hunter2", null, null))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> SentinelTarget.parse("redis-sentinel://:hunter2@h:26379"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("master").hasMessageNotContaining("hunter2");
    }

    @Test
    void aTlsSentinelUriCarriesItsFilesAndNeverItsPassword(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca crt.pem"), "x");
        String uri = "rediss-sentinel://:hunter2@10.0.0.1:26379,10.0.0.2/mymaster?ca="
                + java.net.URLEncoder.encode(ca.toString(), java.nio.charset.StandardCharsets.UTF_8);
        SentinelTarget s = SentinelTarget.parse(uri);
        assertThat(s.tls()).isTrue();
        assertThat(s.files().ca()).isEqualTo(ca);
        assertThat(s.master()).isEqualTo("mymaster");
        assertThat(s.sentinels()).containsExactly(new HostPort("10.0.0.1", 26379), new HostPort("10.0.0.2", 26379));
        assertThat(s.toString()).startsWith("rediss-sentinel://:****@").contains("ca=").doesNotContain("hunter2");
        assertThat(SentinelTarget.parse(s.withSecret())).isEqualTo(s);
        assertThat(s.node(s.sentinels().get(1)).tls()).isTrue();
        assertThatThrownBy(() -> SentinelTarget.parse("redis-sentinel://:hunter2@h:26379/m?ca=" + ca))
                .isInstanceOf(ConfigException.class).hasMessageContaining("plain scheme").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> SentinelTarget.parse("rediss-sentinel://:hunter2@h:26379/m?cafile=x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'cafile'").hasMessageNotContaining("hunter2");
    }

    @Test
    void commandLineBeatsEnvironment() {
        Map<String, String> env = Map.of("SESSIONBENCH_REDIS_URI", "redis://env-host:1", "SESSIONBENCH_MEMCACHED", "mc:2");
        Endpoints e = Endpoints.from(Endpoints.environment(env), Map.of(Endpoints.Setting.REDIS_URI, "redis://cli-host:3"));
        assertThat(e.redisServer().host()).isEqualTo("cli-host");
        assertThat(e.memcached()).containsExactly(new HostPort("mc", 2));
        assertThat(e.postgres()).isNull();
    }

    @Test
    void postgresUriBecomesJdbcWithCredentials() {
        PostgresTarget p = PostgresTarget.parse("postgresql://app:pw%21@db:5433/sessions", null, null);
        assertThat(p.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/sessions");
        assertThat(p.user()).isEqualTo("app");
        assertThat(p.password().value()).isEqualTo("pw!");
        assertThat(p.toString()).doesNotContain("pw!");
        assertThat(PostgresTarget.parse(p.withSecret(), null, null)).isEqualTo(p);
    }

    @Test
    void theSecretFileRoundTripsAndOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        Endpoints e = Endpoints.from(Map.of(Endpoints.Setting.REDIS_URI, "redis://u:p%3Aw@h:1",
                Endpoints.Setting.POSTGRES_URI, "postgresql://a:b@c:5/d", Endpoints.Setting.MEMCACHED, "m:3"));
        Path f = dir.resolve("endpoints.properties");
        e.writeSecretFile(f);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(Endpoints.from(Endpoints.readSecretFile(f))).isEqualTo(e);
    }

    @Test
    void redisIsOneEndpointOfOneKindAndEachKindRoundTripsThroughTheSecretFile(@TempDir Path dir) throws Exception {
        Endpoints standalone = Endpoints.from(Map.of(Endpoints.Setting.REDIS_URI, "redis://:pw@h:1"));
        assertThat(standalone.redis()).isInstanceOf(RedisEndpoint.Standalone.class);
        assertThat(standalone.redisCluster()).isEmpty();
        assertThat(standalone.redisSentinel()).isNull();
        Endpoints cluster = Endpoints.from(Map.of(Endpoints.Setting.REDIS_CLUSTER, "redis://:pw@h:2,redis://:pw@h:3",
                Endpoints.Setting.REDIS_URI, "redis://:pw@h:1"));
        assertThat(cluster.redis()).as("seeds win over a server URI").isInstanceOf(RedisEndpoint.Cluster.class);
        assertThat(cluster.redisServer().port()).as("tools talk to the first seed").isEqualTo(2);
        Endpoints sentinel = Endpoints.from(Map.of(Endpoints.Setting.REDIS_SENTINEL, "redis-sentinel://:pw@h:26379/mymaster",
                Endpoints.Setting.REDIS_URI, "redis://:pw@h:1"));
        assertThat(sentinel.redis()).isEqualTo(new RedisEndpoint.Sentinel(sentinel.redisSentinel(), standalone.redisServer()));
        Endpoints sentinelsAlone = Endpoints.from(Map.of(Endpoints.Setting.REDIS_SENTINEL, "redis-sentinel://:pw@h:26379/mymaster"));
        assertThat(sentinelsAlone.redisServer()).as("no primary known before asking the sentinels").isNull();
        assertThat(Endpoints.NONE.hasRedis()).isFalse();
        for (Endpoints e : java.util.List.of(standalone, cluster, sentinel, sentinelsAlone)) {
            Path f = dir.resolve("endpoints-" + e.redis().getClass().getSimpleName() + e.hashCode() + ".properties");
            e.writeSecretFile(f);
            assertThat(Endpoints.from(Endpoints.readSecretFile(f))).isEqualTo(e);
        }
    }

    @Test
    void aGivenRedisTargetStartsNoLocalRedis(@TempDir Path dir) {
        Map<String, String> env = Map.of("SESSIONBENCH_REDIS_URI", "redis://:pw@127.0.0.1:1");
        try (Targets t = Targets.resolve(Map.of(), env, EnumSet.of(LocalStack.Server.REDIS, LocalStack.Server.MEMCACHED), dir)) {
            assertThat(t.endpoints().redisServer().port()).isEqualTo(1);
            assertThat(t.localServers()).extracting(LocalStack.Running::server).containsExactly(LocalStack.Server.MEMCACHED);
            assertThat(t.endpoints().memcached()).hasSize(1);
        }
    }
}
