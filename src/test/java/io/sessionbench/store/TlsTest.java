package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.store.redis.RedisClientKind;
import io.sessionbench.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Redis on TLS (the local stack's {@code --tls}: a CA and server certificate made at start) with each client, and the
 * mistakes people make with TLS, each one readable line that never hangs: TLS against a plain port, plain against a
 * TLS port, a certificate that does not verify. (The timeouts only stop a hang; they assert no speed.)
 */
@ExtendWith(TestStack.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {

    @ParameterizedTest
    @EnumSource(RedisClientKind.class)
    void everyClientWorksOverTlsWithTheGivenCa(RedisClientKind client) {
        Endpoints e = TestStack.tlsEndpoints();
        assertThat(e.redisServer().tls()).isTrue();
        assertThat(e.redisServer().redacted()).startsWith("rediss://").contains("?ca=");
        for (Layout layout : new Layout[] {Layout.REDIS_HASH, Layout.REDIS_BLOB}) {
            try (SessionStore s = layout.open(e, Layout.StoreOptions.DEFAULT.withClient(client))) {
                Session c = s.create("tls-user", Map.of("a", "1"));
                assertThat(s.load(c.id())).get().extracting(x -> x.attributes().get("a")).isEqualTo("1");
                assertThat(s.invalidate(c.id())).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RedisClientKind.class)
    void tlsAgainstAPlainPortSaysSo(RedisClientKind client) {
        RedisTarget plain = TestStack.endpoints().redisServer();
        RedisTarget asTls = new RedisTarget(true, plain.host(), plain.port(), "", plain.password(), 0,
                TestStack.tlsEndpoints().redisServer().files());
        assertThatThrownBy(() -> Layout.REDIS_HASH.open(Endpoints.NONE.withRedis(asTls), Layout.StoreOptions.DEFAULT.withClient(client)).close())
                .isInstanceOf(StoreException.class).hasMessageContaining("rediss://")
                .hasMessageContaining("check that this port offers TLS").message().doesNotContain(plain.password().value());
    }

    @ParameterizedTest
    @EnumSource(RedisClientKind.class)
    void plainAgainstATlsPortSaysSo(RedisClientKind client) {
        RedisTarget tls = TestStack.tlsEndpoints().redisServer();
        RedisTarget asPlain = new RedisTarget(false, tls.host(), tls.port(), "", tls.password(), 0);
        assertThatThrownBy(() -> Layout.REDIS_HASH.open(Endpoints.NONE.withRedis(asPlain), Layout.StoreOptions.DEFAULT.withClient(client)).close())
                .isInstanceOf(StoreException.class).hasMessageContaining("a TLS port needs rediss://")
                .message().doesNotContain(tls.password().value());
    }

    @ParameterizedTest
    @EnumSource(RedisClientKind.class)
    void aCertificateThatDoesNotVerifyIsNamed(RedisClientKind client) throws Exception {
        RedisTarget tls = TestStack.tlsEndpoints().redisServer();
        // another CA: the server's certificate is not signed by it
        Path other = Files.createTempDirectory(Path.of("target"), "other-ca-");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-new", "-nodes", "-newkey", "rsa:2048", "-days", "1",
                "-subj", "/CN=another CA", "-keyout", "ca.key", "-out", "ca.crt").directory(other.toFile())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        RedisTarget wrongCa = new RedisTarget(true, tls.host(), tls.port(), "", tls.password(), 0,
                new io.sessionbench.infra.TlsFiles(other.resolve("ca.crt"), null, null));
        assertThatThrownBy(() -> Layout.REDIS_HASH.open(Endpoints.NONE.withRedis(wrongCa), Layout.StoreOptions.DEFAULT.withClient(client)).close())
                .isInstanceOf(StoreException.class).hasMessageContaining("TLS certificate that does not verify")
                .hasMessageContaining("?ca=FILE");
    }
}
