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

/** {@code stack down} stops every process {@code stack up} started, the nodes of a topology included (not only the first). */
class StackDownTest {
    @Test
    void downStopsEveryNodeOfACluster(@TempDir Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir.resolve("stack"), EnumSet.of(LocalStack.Server.REDIS), Map.of(),
                LocalStack.Topology.CLUSTER)) {
            StackCommand.writePids(stack);
            List<ProcessHandle> started = new ArrayList<>();
            stack.servers().forEach(r -> started.add(ProcessHandle.of(r.pid()).orElseThrow()));
            stack.helpers().forEach(r -> started.add(ProcessHandle.of(r.pid()).orElseThrow()));
            assertThat(started).hasSize(6).allMatch(ProcessHandle::isAlive);

            Cli.Result down = Cli.run(Map.of(), "stack", "down", "--dir", stack.root().toString());

            assertThat(down.exitCode()).as(down.output()).isZero();
            assertThat(down.output()).contains("stopped 6 server process(es)");
            assertThat(started).noneMatch(ProcessHandle::isAlive);
            assertThat(Files.exists(stack.root().resolve("pids"))).isFalse();
        }
    }
}
