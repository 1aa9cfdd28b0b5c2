package io.sessionbench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {
    @TempDir
    Path dir;

    private static final String VALID = """
            name: t
            layouts: [redis-hash]
            mix: {request: 90, updateAttribute: 10}
            rate: {target: 100}
            duration: 2s
            """;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("s" + System.nanoTime() + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private void rejects(String yaml, String... fragments) throws Exception {
        Path f = file(yaml);
        var thrown = assertThatThrownBy(() -> ScenarioLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f.toString());
        for (String s : fragments) {
            thrown.hasMessageContaining(s);
        }
    }

    @Test
    void everyShippedScenarioLoads() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("scenarios"))) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(files).extracting(p -> p.getFileName().toString()).contains("auth-read-heavy.yaml",
                    "login-storm.yaml", "cart-updates.yaml", "large-sessions.yaml", "mixed-ecommerce.yaml");
            for (Path f : files) {
                Scenario sc = ScenarioLoader.load(f);
                assertThat(sc.name()).isEqualTo(f.getFileName().toString().replace(".yaml", ""));
            }
        }
    }

    @Test
    void everyKeyOfAShippedScenarioIsCommented() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("scenarios"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank() && !line.trim().startsWith("#")) {
                        assertThat(line).as(f + ": " + line).contains("#");
                    }
                }
            }
        }
    }

    @Test
    void defaultsFillWhatAScenarioLeavesOut() throws Exception {
        Scenario s = ScenarioLoader.load(file(VALID));
        assertThat(s.clients()).containsExactly(io.sessionbench.store.redis.RedisClientKind.LETTUCE);
        assertThat(s.connections()).isEqualTo(16);
        assertThat(s.users().count()).isEqualTo(10000);
        assertThat(s.updates()).isEqualTo(Scenario.Updates.SAFE);
        assertThat(s.rate().steps()).containsExactly(100.0);
        assertThat(s.objective()).isEqualTo(new Scenario.Objective(java.time.Duration.ofMillis(10), 1.0, 5.0));
    }

    @Test
    void theObjectiveBoundsErrorsAndLateStartsBesideP99() throws Exception {
        Scenario s = ScenarioLoader.load(file(VALID + "objective: {p99: 5ms, errors: 0.1, late: 2}\n"));
        assertThat(s.objective()).isEqualTo(new Scenario.Objective(java.time.Duration.ofMillis(5), 0.1, 2.0));
        rejects(VALID + "objective: {p99: 5ms, errors: 150}\n", "key 'objective.errors'", "percentage");
        rejects(VALID + "objective: {p99: 5ms, late: -1}\n", "key 'objective.late'", "0 to 100");
        rejects(VALID + "objective: {p95: 5ms}\n", "unknown key 'objective.p95'", "errors", "late", "p99");
    }

    @Test
    void anUnknownKeyIsNamedWithTheAllowedOnes() throws Exception {
        rejects(VALID + "colour: blue\n", "unknown key 'colour'", "allowed here:", "layouts");
        rejects(VALID.replace("rate: {target: 100}", "rate: {target: 100, burst: 3}"), "unknown key 'rate.burst'", "step");
    }

    @Test
    void aWrongTypeIsNamed() throws Exception {
        rejects(VALID.replace("rate: {target: 100}", "rate: {target: fast}"), "key 'rate.target'", "number");
        rejects(VALID + "connections: many\n", "key 'connections'", "whole number");
        rejects(VALID.replace("duration: 2s", "duration: soon"), "key 'duration'", "500ms, 30s");
        rejects(VALID + "arrivals: bursty\n", "key 'arrivals'", "constant, poisson");
    }

    @Test
    void weightsThatDoNotAddUpAreRejected() throws Exception {
        rejects(VALID.replace("updateAttribute: 10", "updateAttribute: 5"), "key 'mix'", "add up to 95", "100");
        rejects(VALID.replace("updateAttribute: 10", "updateAttribute: -10, touch: 20"), "key 'mix.updateAttribute'", "0 or more");
        rejects(VALID.replace("request: 90", "fly: 90"), "key 'mix'");
    }

    @Test
    void aNegativeRateIsRejected() throws Exception {
        rejects(VALID.replace("rate: {target: 100}", "rate: {target: -5}"), "key 'rate.target'", "positive");
        rejects(VALID.replace("rate: {target: 100}", "rate: {from: 100, to: 50, step: 10}"), "key 'rate.to'");
    }

    @Test
    void anUnknownLayoutOrClientIsNamed() throws Exception {
        rejects(VALID.replace("[redis-hash]", "[redis-hash, mongo]"), "key 'layouts[1]'", "unknown layout 'mongo'");
        rejects(VALID + "clients: [hiredis]\n", "key 'clients[0]'", "lettuce");
        rejects(VALID.replace("[redis-hash]", "[redis-hash, ~]"), "key 'layouts'", "empty entry");
    }

    @Test
    void brokenYamlAndMissingFilesAreNamed() throws Exception {
        rejects("name: t\n\tmix: x\n", "not valid YAML at line");
        assertThatThrownBy(() -> ScenarioLoader.load(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no such scenario file");
    }

    @Test
    void aDuplicateKeyIsRefused() throws Exception {
        rejects(VALID + "connections: 4\nconnections: 8\n", "key 'connections' appears twice", "keep one");
    }

    @Test
    void zeroConnectionsIsRefusedNotReplaced() throws Exception {
        rejects(VALID + "connections: 0\n", "key 'connections'", "1 to 1024");
    }

    @Test
    void anEmptyFileSaysSo() throws Exception {
        rejects("", "the file is empty");
        rejects("# only a comment\n\n", "the file is empty");
    }

    @Test
    void aHugeFileIsRefusedBeforeParsing() throws Exception {
        rejects(VALID + "description: " + "x".repeat(2 * 1024 * 1024) + "\n", "scenario files are limited to 1024 KB");
    }

    @Test
    void aPopulationBeyondTheLimitsIsRefusedWithTheFigures() throws Exception {
        rejects(VALID + "users: {count: 100000000}\n", "100,000,000 sessions", "at most 5,000,000");
        rejects(VALID + "users: {count: 4000000}\nsessionBytes: {min: 1500000, max: 1500000}\n", "the limit is 8 GB");
    }

    @Test
    void aZeroDurationIsRefused() throws Exception {
        rejects(VALID.replace("duration: 2s", "duration: 0s"), "key 'duration'", "1s or more");
    }

    @Test
    void faultsAreValidatedLikeEveryOtherKey() throws Exception {
        rejects(VALID + "faults:\n  - {at: 1s, kind: explode}\n", "faults[0].kind", "failover, kill-primary, restart, reshard, pause, stall");
        rejects(VALID + "faults:\n  - {at: 5s, kind: failover}\n", "faults[0].at", "inside the measurement (0 to 2000 ms)");
        rejects(VALID + "faults:\n  - {at: 1s, kind: failover, server: postgres}\n", "faults[0].server", "is a Redis fault");
        rejects(VALID + "faults:\n  - {kind: pause}\n", "faults[0]", "needs at least {at:");
        rejects(VALID + "faults:\n  - {at: 1s, kind: pause, for: 2m}\n", "faults[0].for", "0 to 60s");
        rejects(VALID + "faults:\n  - {at: 1s, kind: reshard, slots: 20000}\n", "faults[0].slots", "1 to 16384");
        rejects(VALID + "faults:\n  - {at: 1s, kind: pause, when: now}\n", "unknown key 'faults[0].when'");
        rejects(VALID + "durability: {appendfsync: sometimes}\n", "durability.appendfsync", "off, everysec or always");
        rejects(VALID.replace("rate: {target: 100}", "rate: {from: 100, to: 200, step: 100}") + "faults:\n  - {at: 1s, kind: pause}\n",
                "key 'rate'", "fixed rate");
        // Settings under which sessions would vanish without a fault, so the loss count would blame the fault.
        String fault = "faults:\n  - {at: 1s, kind: restart}\n";
        rejects(VALID + fault + "ttl: {idle: 3s}\n", "key 'ttl.idle'", "shorter than the run (7000 ms");
        rejects(VALID + fault + "ttl: {idle: 30m, absolute: 5s}\n", "key 'ttl.absolute'", "shorter than the run");
        rejects(VALID.replace("mix: {request: 90, updateAttribute: 10}", "mix: {request: 90, create: 10}") + fault
                + "users: {count: 10, sessionsPerUser: 2}\n", "key 'users.sessionsPerUser'", "per-user cap of 3", "use 1");
        assertThat(ScenarioLoader.load(file(VALID.replace("mix: {request: 90, updateAttribute: 10}", "mix: {request: 90, create: 10}")
                + "users: {count: 10, sessionsPerUser: 2}\n")).users().sessionsPerUser()).as("without faults nothing is counted lost").isEqualTo(2);
        Scenario s = ScenarioLoader.load(file(VALID + "faults:\n  - {at: 1s, kind: stall, server: memcached}\n  - {at: 500ms, kind: reshard}\n"));
        assertThat(s.faults()).extracting(Scenario.Fault::kind).containsExactly(Scenario.FaultKind.STALL, Scenario.FaultKind.RESHARD);
        assertThat(s.faults().get(0).length()).as("default for: 2s").isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(s.faults().get(1).slots()).as("default slots").isEqualTo(100);
    }
}
