package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.loadgen.LoadReport;
import io.sessionbench.loadgen.LoadRun;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.testing.Cli;
import io.sessionbench.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three generator processes share one schedule against the real Redis: sessions preloaded once, a shared start
 * instant, each process its interleaved share; 'merge' joins them. The three together schedule exactly what one
 * generator schedules at the total rate, their counts add up, and the merged corrected histogram holds every
 * scheduled request.
 */
@ExtendWith(TestStack.class)
class GeneratorsIT {
    /** A sweep of two steps, so each rate step is checked as one merged run. */
    private static final int[] RATES = {300, 600};
    private static final int SECONDS = 2;
    private static final int SKEW_MILLIS = 700;

    @Test
    void threeGeneratorsRunExactlyTheSingleGeneratorScheduleAndMergeIntoOneHistogramPerRateStep() throws Exception {
        Path root = Files.createTempDirectory(Path.of("target"), "generators-");
        Path scenario = root.resolve("shared.yaml");
        Files.writeString(scenario, """
                name: shared
                layouts: [redis-hash]
                mix: {request: 90, updateAttribute: 10}
                sessionBytes: {min: 512, max: 512}
                users: {count: 300, sessionsPerUser: 1, distribution: uniform}
                rate: {from: %d, to: %d, step: %d}
                arrivals: constant
                connections: 2
                warmup: 1s
                duration: %ds
                objective: {p99: 10s}
                """.formatted(RATES[0], RATES[1], RATES[1] - RATES[0], SECONDS));
        Endpoints e = TestStack.endpoints();
        String redis = e.redisServer().withSecret();
        Path sessions = root.resolve("sessions");

        Cli.Result preload = Cli.run(Map.of(), "load", scenario.toString(), "--preload-only", "--sessions-dir", sessions.toString(),
                "--redis", redis);
        assertThat(preload.exitCode()).as(preload.output()).isZero();
        assertThat(sessions.resolve("shared.redis-hash.sessions")).isRegularFile();

        // The single-generator schedule at the total rate of each step, on the same sessions: one fixed-rate run per
        // step, since a lone generator's sweep stops at a step that misses the objective, which on a busy machine can be
        // any step (the generators sharing a schedule run every step whatever it gives).
        // The steps run at once (only their counts are compared, which do not depend on timing).
        List<CompletableFuture<Cli.Result>> singles = new ArrayList<>();
        for (int rate : RATES) {
            String[] args = {"load", scenario.toString(), "--rate", String.valueOf(rate), "--sessions-dir", sessions.toString(),
                    "--redis", redis, "--results", root.resolve("single-" + rate).toString(), "--label", "single"};
            singles.add(CompletableFuture.supplyAsync(() -> Cli.run(Map.of(), args)));
        }
        List<LoadRun> one = new ArrayList<>();
        for (int k = 0; k < RATES.length; k++) {
            assertThat(singles.get(k).get().exitCode()).as(singles.get(k).get().output()).isZero();
            one.addAll(LoadReport.read(onlyFolder(root.resolve("single-" + RATES[k]))));
        }
        assertThat(one).as("the single generator ran both steps").hasSize(RATES.length);

        String startAt = Instant.now().plus(12, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS).toString();
        List<CompletableFuture<Cli.Result>> generators = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String[] args = {"load", scenario.toString(), "--generator", i + "/3", "--start-at", startAt, "--sessions-dir",
                    sessions.toString(), "--redis", redis, "--results", root.resolve("generators").toString(), "--label", "shared"};
            // Generator 2's clock is 700 ms fast (a test-only skew): it must still start with the others and its
            // intervals must land in the same merged seconds, by the offset it measures against the server.
            Map<String, String> env = i == 2 ? Map.of(io.sessionbench.loadgen.LocalClock.SKEW_ENV, String.valueOf(SKEW_MILLIS)) : Map.of();
            generators.add(CompletableFuture.supplyAsync(() -> Cli.run(env, args)));
        }
        for (CompletableFuture<Cli.Result> g : generators) {
            assertThat(g.get().exitCode()).as(g.get().output()).isZero();
        }
        List<Path> folders;
        try (Stream<Path> s = Files.list(root.resolve("generators"))) {
            folders = s.sorted().toList();
        }
        assertThat(folders).hasSize(3);
        assertThat(folders).extracting(f -> f.getFileName().toString()).allMatch(n -> n.matches(".*_load_shared_g[012]of3"));
        List<List<LoadRun>> parts = new ArrayList<>();
        for (Path f : folders) {
            parts.add(LoadReport.read(f));
        }

        Cli.Result merged = Cli.run(Map.of(), Stream.concat(Stream.of("merge", "--results", root.resolve("merged").toString()),
                folders.stream().map(Path::toString)).toArray(String[]::new));
        assertThat(merged.exitCode()).as(merged.output()).isZero();
        Path out = onlyFolder(root.resolve("merged"));
        List<LoadRun> mergedRuns = LoadReport.read(out);
        assertThat(mergedRuns).as("one merged run per rate step").hasSize(RATES.length);

        for (int step = 0; step < RATES.length; step++) {
            int k = step;
            List<LoadRun> shares = parts.stream().map(p -> p.get(k)).toList();
            long scheduled = shares.stream().mapToLong(LoadRun::scheduled).sum();
            assertThat(scheduled).as("step %d: three shares together are the single-generator schedule", k)
                    .isEqualTo(one.get(k).scheduled()).isEqualTo((long) RATES[k] * SECONDS);
            for (LoadRun p : shares) {
                assertThat(p.intendedRate()).isEqualTo(RATES[k] / 3.0);
                assertThat(p.scheduled()).isBetween(scheduled / 3 - 1, scheduled / 3 + 1);
            }
            LoadRun m = mergedRuns.get(k);
            assertThat(m.intendedRate()).isEqualTo(RATES[k]);
            assertThat(m.scheduled()).isEqualTo(scheduled);
            assertThat(m.ok()).isEqualTo(shares.stream().mapToLong(LoadRun::ok).sum());
            assertThat(m.missCount()).isEqualTo(shares.stream().mapToLong(LoadRun::missCount).sum());
            assertThat(m.errorCount()).isEqualTo(shares.stream().mapToLong(LoadRun::errorCount).sum());
            assertThat(m.notStarted()).isEqualTo(shares.stream().mapToLong(LoadRun::notStarted).sum());
            Map<String, org.HdrHistogram.Histogram> histograms = HistogramFiles.readMerged(out.resolve(m.hlog()));
            assertThat(histograms.get("all.corrected").getTotalCount()).as("every scheduled request in the merged corrected histogram")
                    .isEqualTo(scheduled);
            assertThat(m.incomplete()).isNull();
            // One clock: the merged seconds count from the shared start, each a real second at the total rate.
            List<double[]> rows = m.timeline();
            assertThat(rows).as("step %d: one row per second and the last, partial one", k).hasSizeBetween(SECONDS, SECONDS + 1);
            assertThat(rows.get(0)[0]).as("the first row ends a second in, not seconds before the start").isBetween(0.9, 1.2);
            for (double[] row : rows) {
                if (row.length > 7 && row[7] == 0) {
                    assertThat(row[1]).as("step %d, second %.2f: answered per real second", k, row[0])
                            .isBetween(0.8 * RATES[k], 1.2 * RATES[k]);
                }
            }
        }
        // Each generator's first measured interval starts at the same instant on the shared clock (its stamp plus its
        // measured offset), skewed clock or not: the start instant was read on the server's clock.
        for (int step = 0; step < RATES.length; step++) {
            List<Double> starts = new ArrayList<>();
            for (Path f : folders) {
                double offset = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.resolve("env.json").toFile())
                        .path("run").path("clockOffset").path("offsetMillis").asDouble();
                String hlog = LoadReport.read(f).get(step).hlog();
                starts.add(HistogramFiles.readIntervals(f.resolve(hlog)).get(0).getStartTimeStamp() + offset);
            }
            double spread = starts.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                    - starts.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            assertThat(spread).as("step %d: measurement starts on the shared clock %s", step, starts).isLessThan(150.0);
        }
        com.fasterxml.jackson.databind.JsonNode skewed = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(folders.stream().filter(f -> f.getFileName().toString().endsWith("g2of3")).findFirst().orElseThrow()
                        .resolve("env.json").toFile()).path("run").path("clockOffset");
        assertThat(skewed.path("testSkewMillis").asLong()).isEqualTo(SKEW_MILLIS);
        assertThat(skewed.path("offsetMillis").asDouble()).as("measured against the server's TIME").isBetween(-SKEW_MILLIS - 50.0, -SKEW_MILLIS + 50.0);
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("## Generators");
        assertThat(report.lines().filter(l -> l.matches("\\| [012] \\| .*"))).as("3 generators × 2 steps").hasSize(6);
    }

    @Test
    void aGeneratorWithoutAStartInstantOrSharedSessionsIsRefusedBeforeAnythingStarts() {
        Cli.Result noStart = Cli.run(Map.of(), "load", "scenarios/auth-read-heavy.yaml", "--generator", "1/3", "--sessions-dir", "target/x");
        assertThat(noStart.exitCode()).isEqualTo(2);
        assertThat(noStart.output()).contains("--start-at").doesNotContain("target redis");
        Cli.Result badIndex = Cli.run(Map.of(), "load", "scenarios/auth-read-heavy.yaml", "--generator", "3/3");
        assertThat(badIndex.exitCode()).isEqualTo(2);
        assertThat(badIndex.output()).contains("is not I/N");
        Cli.Result noSessions = Cli.run(Map.of(), "load", "scenarios/auth-read-heavy.yaml", "--generator", "0/2", "--start-at",
                Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString());
        assertThat(noSessions.exitCode()).isEqualTo(2);
        assertThat(noSessions.output()).contains("--sessions-dir");
        Cli.Result localStack = Cli.run(Map.of(), "load", "scenarios/auth-read-heavy.yaml", "--preload-only", "--sessions-dir", "target/x");
        assertThat(localStack.exitCode()).isEqualTo(2);
        assertThat(localStack.output()).contains("outlive").doesNotContain("target redis");
    }

    private static Path onlyFolder(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            List<Path> all = s.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }
}
