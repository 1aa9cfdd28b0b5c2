package io.sessionbench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackTest {
    /** Not a JUnit temp dir: those are mode 700, and Postgres runs as 'nobody' when the tests run as root. */
    private final Path dir = Path.of("target", "stack-test-" + System.nanoTime());

    @Test
    void startsRealServersThatAnswerAndLeavesNoProcessBehind() throws Exception {
        List<ProcessHandle> handles = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(dir, EnumSet.allOf(LocalStack.Server.class))) {
            assertThat(stack.servers()).extracting(LocalStack.Running::server)
                    .containsExactly(LocalStack.Server.REDIS, LocalStack.Server.MEMCACHED, LocalStack.Server.POSTGRES);
            for (LocalStack.Running r : stack.servers()) {
                assertThat(r.version()).as(r.server().name()).matches("\\d+\\.\\d+.*");
                ProcessHandle h = ProcessHandle.of(r.pid()).orElseThrow();
                handles.add(h);
                handles.addAll(h.descendants().toList());
            }
            assertThat(io.sessionbench.infra.ServerProbes.redisVersion(stack.endpoints().redisServer())).isEqualTo(stack.servers().get(0).version());
            assertThat(io.sessionbench.infra.ServerProbes.memcachedVersion("127.0.0.1", stack.endpoints().memcached().get(0).port())).isNotBlank();
            assertThat(stack.endpoints().postgres().password().isPresent()).isTrue();
        }
        assertThat(handles).hasSizeGreaterThan(3);
        for (ProcessHandle h : handles) {
            assertThat(h.isAlive()).as("pid %d after stop", h.pid()).isFalse();
        }
    }

    @Test
    void aTakenPortIsReportedByNumber() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> LocalStack.start(dir, EnumSet.of(LocalStack.Server.MEMCACHED),
                    Map.of(LocalStack.Server.MEMCACHED, taken.getLocalPort())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("port " + taken.getLocalPort()).hasMessageContaining("already taken");
        }
    }

    @Test
    void aWrongRedisPasswordIsRefusedByTheRealServer() {
        try (LocalStack stack = LocalStack.start(dir, EnumSet.of(LocalStack.Server.REDIS))) {
            RedisTarget good = stack.endpoints().redisServer();
            RedisTarget bad = new RedisTarget(false, good.host(), good.port(), "", new Secret("nope"), 0);
            assertThatThrownBy(() -> io.sessionbench.infra.ServerProbes.redisVersion(bad)).hasMessageContaining("WRONGPASS");
        }
    }
}
