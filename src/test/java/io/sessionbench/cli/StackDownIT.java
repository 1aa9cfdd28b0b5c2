package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.LocalStack;
import io.sessionbench.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stack down} stops every process {@code stack up} started, the nodes of a topology included (not only the
 * first), and the waiting {@code stack up} process itself.
 */
class StackDownIT {
    @Test
    void downStopsEveryNodeOfACluster(@TempDir Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir.resolve("stack"), EnumSet.of(LocalStack.Server.REDIS), Map.of(),
                LocalStack.Topology.CLUSTER)) {
            io.sessionbench.infra.StackFiles.writePids(stack);
            // stands in for the 'stack up' JVM that waits for Ctrl-C
            Process owner = new ProcessBuilder("sleep", "600").start();
            io.sessionbench.infra.StackFiles.writeOwner(stack, owner.toHandle());
            List<ProcessHandle> started = new ArrayList<>();
            stack.servers().forEach(r -> started.add(ProcessHandle.of(r.pid()).orElseThrow()));
            stack.helpers().forEach(r -> started.add(ProcessHandle.of(r.pid()).orElseThrow()));
            assertThat(started).hasSize(6).allMatch(ProcessHandle::isAlive);

            Cli.Result down = Cli.run(Map.of(), "stack", "down", "--dir", stack.root().toString());

            assertThat(down.exitCode()).as(down.output()).isZero();
            assertThat(down.output()).contains("stopped 6 server process(es) and the 'stack up' that started them");
            assertThat(started).noneMatch(ProcessHandle::isAlive);
            assertThat(owner.isAlive()).isFalse();
            assertThat(Files.exists(stack.root().resolve("pids"))).isFalse();
        }
    }

    @Test
    void aProcessThatOnlyReusedTheOwnersPidIsLeftAlone(@TempDir Path dir) throws Exception {
        Process other = new ProcessBuilder("sleep", "600").start();
        try {
            Files.writeString(dir.resolve("pids"), "");
            Files.writeString(dir.resolve("owner"), other.pid() + " 2000-01-01T00:00:00Z\n");
            Cli.Result down = Cli.run(Map.of(), "stack", "down", "--dir", dir.toString());
            assertThat(down.exitCode()).as(down.output()).isZero();
            assertThat(down.output()).contains("stopped 0 server process(es)").doesNotContain("stack up");
            assertThat(other.isAlive()).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }
}
