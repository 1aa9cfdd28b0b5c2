package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Stopping a load run (SIGTERM, as Ctrl-C's SIGINT) still writes the partial results and report. */
class LoadInterruptIT {

    @Test
    void anInterruptedRunWritesItsPartialResults() throws Exception {
        Path dir = Path.of("target", "interrupt-" + System.nanoTime());
        Files.createDirectories(dir);
        Path scenario = dir.resolve("long.yaml");
        Files.writeString(scenario, """
                name: long
                layouts: [memory]
                mix: {request: 100}
                users: {count: 100}
                rate: {target: 500}
                connections: 2
                warmup: 1s
                duration: 120s
                """);
        Path results = dir.resolve("results");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.sessionbench.cli.Main", "load", scenario.toString(),
                "--results", results.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        // Waits for the run to report two measured intervals (its progress line), not for a fixed time.
        Path log = dir.resolve("out.log");
        while (p.isAlive() && countOf(log, "req/s") < 2) {
            p.waitFor(50, TimeUnit.MILLISECONDS);
        }
        assertThat(p.isAlive()).as("still running before the interrupt").isTrue();
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path run;
        try (Stream<Path> s = Files.list(results)) {
            run = s.findFirst().orElseThrow();
        }
        JsonNode runs = new ObjectMapper().readTree(run.resolve("loadgen.json").toFile());
        assertThat(runs.size()).isEqualTo(1);
        assertThat(runs.get(0).get("interrupted").asBoolean()).isTrue();
        assertThat(runs.get(0).get("ok").asLong()).isPositive();
        assertThat(runs.get(0).get("timeline").size()).isGreaterThanOrEqualTo(2);
        assertThat(Files.readString(run.resolve("report.md"))).contains("interrupted");
        for (String f : List.of("env.json", "summary.csv", "report.html")) {
            assertThat(run.resolve(f)).isNotEmptyFile();
        }
    }

    private static int countOf(Path file, String text) throws java.io.IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String s = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }
}
