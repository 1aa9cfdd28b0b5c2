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

/**
 * {@code --topology}: the main job runs on a local Cluster topology (a local Sentinel topology is the stack OwnServersIT
 * starts and benchmarks); what is not supported says so before starting.
 */
class TopologyIT {

    /** One Redis layout is enough: what differs by topology is how each client reaches it, and all three run. */
    private static Path bench(Path results, String... topology) {
        Path stack = results.resolve("stack");
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--layouts", "redis-blob",
                "--benchmarks", "request", "--forks", "0", "--warmup-iterations", "0", "--iterations", "1",
                "--iteration-seconds", "0.2", "--live-sessions", "100", "--results", results.toString(), "--stack-dir", stack.toString()));
        args.addAll(List.of(topology));
        Cli.Result run = Cli.run(Map.of(), args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.output()).isZero();
        lastOutput = run.output();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(stack.toAbsolutePath().toString()))
                .orElse(false))).as("no server of the run's stack is left running").isEmpty();
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(p -> p.getFileName().toString().contains("_quick")).findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String lastOutput;

    @Test
    void benchRunsOnALocalClusterWithUserTaggedKeysAndReportsTheLoadPerNode() throws Exception {
        Path folder = bench(Files.createTempDirectory(Path.of("target"), "topology-"), "--topology", "cluster", "--key-design", "user",
                "--cluster-client", "refresh=5s,adaptive=on");
        assertThat(lastOutput).contains("cluster   redis://:****@127.0.0.1:", "load per cluster node");
        List<BenchRecord> records = BenchRecord.read(folder.resolve("jmh.json"));
        assertThat(records).extracting(BenchRecord::target).contains("redis-blob/lettuce", "redis-blob/jedis", "redis-blob/redisson");
        assertThat(records).allSatisfy(r -> assertThat(r.secondary().get("errors").score()).as(r.key()).isZero());
        JsonNode env = new ObjectMapper().readTree(folder.resolve("env.json").toFile());
        assertThat(env.path("run").path("redisKeys").asText()).isEqualTo("user");
        assertThat(env.path("redisClients").path("lettuce").asText()).contains("periodic topology refresh every 5 s", "adaptive refresh triggers on");
        assertThat(env.path("redisClients").path("jedis").asText()).contains("topologyRefreshPeriod 5 s", "maxAttempts 5 (default)");
        assertThat(env.path("redisClients").path("redisson").asText()).contains("scanInterval 5000 ms");
        String table = env.path("clusterLoad").path("table").asText();
        assertThat(table.lines().filter(l -> l.contains("| primary |"))).as(table).hasSize(3)
                .allSatisfy(l -> assertThat(l.split("\\|")[4].trim()).as("commands on each primary").isNotEqualTo("0"));
        assertThat(Files.readString(folder.resolve("report.md"))).contains("## Load per cluster node", "key design `user`");
    }

    @Test
    void anUnknownTopologyKeyDesignOrClusterSettingAndATopologyBesideAGivenRedisAreRefusedBeforeAnythingStarts() {
        Cli.Result ring = Cli.run(Map.of(), "bench", "--topology", "ring");
        assertThat(ring.exitCode()).isEqualTo(2);
        assertThat(ring.output()).contains("unknown --topology 'ring'; use standalone, sentinel or cluster").doesNotContain("target redis");
        Cli.Result keys = Cli.run(Map.of(), "load", "scenarios/auth-read-heavy.yaml", "--key-design", "tenant");
        assertThat(keys.exitCode()).isEqualTo(2);
        assertThat(keys.output()).contains("unknown key design 'tenant'").doesNotContain("target redis");
        Cli.Result settings = Cli.run(Map.of(), "bench", "--cluster-client", "refresh=soon");
        assertThat(settings.exitCode()).isEqualTo(2);
        assertThat(settings.output()).contains("cluster client setting refresh=soon is not a number of seconds").doesNotContain("target redis");
        Cli.Result both = Cli.run(Map.of(), "load", "scenarios/auth-read-heavy.yaml", "--topology", "sentinel", "--redis",
                "redis://127.0.0.1:1", "--layouts", "redis-hash");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.output()).contains("SESSIONBENCH_REDIS_SENTINEL");
    }
}
