package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionbench.infra.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs that go wrong still end with their results written and no secret left behind: a Redis killed in the middle
 * of a load run, and a bench run stopped with SIGTERM (as Ctrl-C's SIGINT). Each waits on what the run prints, not on
 * the clock.
 */
class RunsEndWithResultsIT {

    private static Process start(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.sessionbench.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SESSIONBENCH_"));
        return pb.start();
    }

    /** Waits until the run's output contains {@code text} {@code times} times (or the run ends). */
    private static void awaitOutput(Process p, Path log, String text, int times) throws Exception {
        while (p.isAlive() && count(log, text) < times) {
            p.waitFor(50, TimeUnit.MILLISECONDS);
        }
        assertThat(p.isAlive()).as("still running when '" + text + "' appeared: " + Files.readString(log)).isTrue();
    }

    private static int count(Path file, String text) throws Exception {
        if (!Files.exists(file)) {
            return 0;
        }
        String s = Files.readString(file, StandardCharsets.ISO_8859_1);
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    private static Path onlyChild(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    @Test
    void aRedisKilledMidLoadStillGivesAReport() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "kill-mid-load-" + System.nanoTime()));
        Files.writeString(dir.resolve("s.yaml"), """
                name: killed
                layouts: [redis-hash]
                mix: {request: 90, increment: 10}
                users: {count: 200}
                rate: {target: 300}
                connections: 2
                warmup: 1s
                duration: 8s
                """);
        try (LocalStack stack = LocalStack.start(dir.resolve("stack"), EnumSet.of(LocalStack.Server.REDIS))) {
            Process p = start(dir, "load", dir.resolve("s.yaml").toString(), "--redis", stack.endpoints().redisServer().withSecret(),
                    "--results", dir.resolve("results").toString());
            awaitOutput(p, dir.resolve("out.log"), "req/s", 2);
            long redisPid = stack.servers().get(0).pid();
            ProcessHandle.of(redisPid).ifPresent(ProcessHandle::destroyForcibly);
            assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the run ends on its own").isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("out.log"))).isEqualTo(1);
            Path run = onlyChild(dir.resolve("results"));
            for (String f : List.of("loadgen.json", "env.json", "report.md", "report.html", "summary.csv")) {
                assertThat(run.resolve(f)).as(f).isNotEmptyFile();
            }
            JsonNode runs = new ObjectMapper().readTree(run.resolve("loadgen.json").toFile());
            assertThat(runs.size()).isEqualTo(1);
            JsonNode r = runs.get(0);
            assertThat(r.get("ok").asLong()).as("measured before the kill").isPositive();
            assertThat(r.get("errors").toString()).as("errors by type after the kill").contains("Unavailable");
            assertThat(r.get("incomplete").asText()).as("the failed cleanup and check are recorded").isNotEmpty();
            assertThat(Files.readString(run.resolve("report.md"))).contains("incomplete");
        }
    }

    @Test
    void aStoppedBenchLeavesNoEndpointsFileAndWritesWhatItHas() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "stop-bench-" + System.nanoTime()));
        Process p = start(dir, "bench", "--layouts", "memory", "--benchmarks", "request|load", "--iterations", "20",
                "--results", dir.resolve("results").toString());
        Path secrets = Path.of("target", "bench-endpoints-" + p.pid() + ".properties");
        awaitOutput(p, dir.resolve("out.log"), "Iteration ", 2);
        assertThat(secrets).as("the endpoints file exists while the run runs").exists();
        p.destroy();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(secrets).as("removed on SIGTERM").doesNotExist();
        Path run = onlyChild(dir.resolve("results"));
        assertThat(run.resolve("env.json")).isNotEmptyFile();
        assertThat(Files.readString(run.resolve("INCOMPLETE"))).contains("interrupted");
    }
}
