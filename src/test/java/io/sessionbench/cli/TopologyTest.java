package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionbench.report.BenchRecord;
import io.sessionbench.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code --topology}: the main job runs on a local Sentinel topology; what is not supported says so before starting. */
class TopologyTest {

    @Test
    void benchRunsOnALocalSentinelTopologyAndStopsEveryProcess() throws Exception {
        Path results = Files.createTempDirectory(Path.of("target"), "topology-");
        Path stack = results.resolve("stack");
        Cli.Result run = Cli.run(Map.of(), "bench", "--topology", "sentinel", "--layouts", "redis-hash,redis-blob",
                "--benchmarks", "request", "--forks", "0", "--warmup-iterations", "0", "--iterations", "1",
                "--iteration-seconds", "1", "--live-sessions", "100", "--results", results.toString(), "--stack-dir", stack.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("sentinel  redis-sentinel://:****@127.0.0.1:").contains("/sessionbench");
        Path folder;
        try (Stream<Path> s = Files.list(results)) {
            folder = s.filter(p -> p.getFileName().toString().contains("_quick")).findFirst().orElseThrow();
        }
        List<BenchRecord> records = BenchRecord.read(folder.resolve("jmh.json"));
        assertThat(records).extracting(BenchRecord::target).contains("redis-hash/lettuce", "redis-blob/jedis", "redis-blob/redisson");
        assertThat(records).allSatisfy(r -> assertThat(r.secondary().get("errors").score()).as(r.key()).isZero());
        JsonNode env = new ObjectMapper().readTree(folder.resolve("env.json").toFile());
        assertThat(env.toString()).contains("redis-sentinel://");
        assertThat(env.path("redisClients").path("redisson").asText()).contains("readMode MASTER").contains("retryAttempts 0");
        assertThat(env.path("redisClients").path("lettuce").asText()).contains("REJECT_COMMANDS");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(stack.toAbsolutePath().toString()))
                .orElse(false))).as("no server of the run's stack is left running").isEmpty();
    }

    @Test
    void clusterAndATopologyBesideAGivenRedisAreRefusedBeforeAnythingStarts() {
        Cli.Result cluster = Cli.run(Map.of(), "bench", "--topology", "cluster");
        assertThat(cluster.exitCode()).isEqualTo(2);
        assertThat(cluster.output()).contains("unknown --topology 'cluster'").doesNotContain("target redis");
        Cli.Result both = Cli.run(Map.of(), "load", "scenarios/auth-read-heavy.yaml", "--topology", "sentinel", "--redis",
                "redis://127.0.0.1:1", "--layouts", "redis-hash");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.output()).contains("SESSIONBENCH_REDIS_SENTINEL");
    }
}
