package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionbench.infra.Endpoints;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.report.BenchRecord;
import io.sessionbench.testing.Cli;
import io.sessionbench.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One short iteration of every benchmark of the quick profile against the real servers, through the CLI as a user
 * runs it, with passwords in the target URIs; then checks the results folder, the histograms and that no password
 * was written anywhere.
 */
@ExtendWith(TestStack.class)
class BenchSmokeIT {
    private static final Path RESULTS = Path.of("target", "smoke-results-" + System.nanoTime());
    /** The quick profile's runs: 6 + 6 request, 2 × 5 per-op and 5 at 128 KB (no floor), 3 + 1 in flight, 4 × 2 contention. */
    private static final int QUICK_RUNS = 6 + 2 * 3 + 2 * 5 + 5 + 3 + 1 + 4 * 2;
    private static Cli.Result run;
    private static Path folder;
    private static String redisPassword;
    private static String postgresPassword;

    @BeforeAll
    static void runQuickProfileOnce() throws Exception {
        Endpoints e = TestStack.endpoints();
        redisPassword = e.redisServer().password().value();
        postgresPassword = e.postgres().password().value();
        run = Cli.run(Map.of(), "bench", "--forks", "0", "--warmup-iterations", "0", "--iterations", "1",
                "--iteration-seconds", "0.2", "--live-sessions", "100", "--results", RESULTS.toString(), "--label", "smoke",
                "--redis", e.redisServer().withSecret(), "--postgres", e.postgres().withSecret(),
                "--memcached", e.memcached().get(0).toString(), "--stack-dir", "target/smoke-stack");
        try (Stream<Path> s = Files.list(RESULTS)) {
            folder = s.findFirst().orElseThrow();
        }
    }

    @Test
    void everyBenchmarkOfTheQuickProfileRanWithoutErrors() {
        assertThat(run.exitCode()).as(run.output()).isZero();
        List<BenchRecord> records = BenchRecord.read(folder.resolve("jmh.json"));
        // request × layouts, request × other clients, 3 other ops × layouts, request at 128 KB, 8 in flight, contention
        assertThat(records).hasSize(QUICK_RUNS);
        assertThat(records).extracting(BenchRecord::operation).contains("request", "updateAttribute", "create",
                "increment");
        for (BenchRecord r : records) {
            assertThat(r.primary().score()).as(r.key()).isPositive();
            assertThat(r.primary().raw()).as(r.key() + ": per-iteration successful calls").isNotEmpty();
            assertThat(r.secondary()).as(r.key()).containsKeys("p50", "p90", "p95", "p99", "p99.9", "max", "errors", "misses",
                    "lostUpdates", "invocations", "noise.jitMs", "noise.gcMs", "noise.clientCpu");
            assertThat(r.secondary().get("errors").score()).as(r.key()).isZero();
            if (r.layout().startsWith("redis-")) {
                assertThat(r.secondary()).as(r.key() + ": Redis's own view").containsKeys("redis.calls", "redis.usPerCall");
            }
        }
        assertThat(records).filteredOn(r -> r.inFlight() == 8).extracting(BenchRecord::target)
                .containsExactlyInAnyOrder("redis-hash/lettuce ×8 in flight", "redis-json/lettuce ×8 in flight",
                        "redis-blob/lettuce ×8 in flight", "memcached-blob ×8 in flight");
        assertThat(records).filteredOn(r -> r.operation().equals("increment"))
                .allSatisfy(r -> assertThat(r.threads()).isEqualTo(2))
                .extracting(r -> r.params().get("liveSessions")).containsOnly("2").hasSize(8);
        // Updates that touch one field, and compare-and-set rewrites, never lose an acknowledged write.
        assertThat(records).filteredOn(r -> r.layout().equals("redis-hash") || "safe".equals(r.params().get("updates")))
                .allSatisfy(r -> assertThat(r.secondary().get("lostUpdates").score()).as(r.key()).isZero());
        assertThat(run.output()).contains("report:").contains("request");
    }

    @Test
    void histogramLogsReadBackWithHdrHistogramsReaderAndMatchThePercentileText() throws Exception {
        for (BenchRecord r : BenchRecord.read(folder.resolve("jmh.json"))) {
            Path hlog = folder.resolve("histograms").resolve(r.histogramName() + ".hlog");
            Map<String, Histogram> merged = HistogramFiles.readMerged(hlog);
            assertThat(merged).as(hlog.toString()).containsKey(r.operation());
            Histogram h = merged.get(r.operation());
            assertThat(h.getTotalCount()).isPositive();
            String hgrm = Files.readString(folder.resolve("histograms").resolve(r.histogramName() + ".hgrm"));
            Matcher m = Pattern.compile("Total count\\s*=\\s*(\\d+)").matcher(hgrm);
            assertThat(m.find()).as(hgrm).isTrue();
            assertThat(Long.parseLong(m.group(1))).isEqualTo(h.getTotalCount());
            assertThat(hgrm).contains("Value     Percentile TotalCount 1/(1-Percentile)");
        }
    }

    @Test
    void theResultsFolderHoldsEveryReportFile() throws Exception {
        for (String f : List.of("jmh.json", "env.json", "summary.csv", "verdict.md", "report.md", "report.html",
                "github-benchmark-smaller.json", "github-benchmark-bigger.json")) {
            assertThat(folder.resolve(f)).as(f).isNotEmptyFile();
        }
        assertThat(Files.readAllLines(folder.resolve("summary.csv"))).hasSize(1 + QUICK_RUNS);
        String md = Files.readString(folder.resolve("report.md"));
        for (String layout : List.of("memory", "redis-hash/lettuce", "redis-json/jedis", "redis-blob/redisson",
                "memcached-blob", "postgres")) {
            assertThat(md).contains("| " + layout + " |");
        }
        assertThat(md).contains("## Conditions").contains("cores").contains("loopback");
        // A ranking, or (this test shares the machine with the build) the statement that the run was mostly disturbed.
        assertThat(md).startsWith("# sessionbench report").contains("## Verdict")
                .containsAnyOf("serves a request fastest", "served the most", "no ranking. This run was mostly disturbed from outside");
        assertThat(Files.readString(folder.resolve("report.html"))).contains("class=\"chart\"").contains("echarts");
        JsonNode smaller = new ObjectMapper().readTree(folder.resolve("github-benchmark-smaller.json").toFile());
        assertThat(smaller.size()).isEqualTo(QUICK_RUNS * 3);
        assertThat(smaller.get(0).get("unit").asText()).isEqualTo("us");
        JsonNode env = new ObjectMapper().readTree(folder.resolve("env.json").toFile());
        assertThat(env.path("servers").size()).isEqualTo(3);
    }

    @Test
    void noPasswordAppearsInOutputOrAnyWrittenFile() throws Exception {
        assertThat(run.output()).doesNotContain(redisPassword).doesNotContain(postgresPassword);
        for (Path root : List.of(RESULTS, Path.of("target", "smoke-stack"))) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertThat(text).as(f.toString()).doesNotContain(redisPassword).doesNotContain(postgresPassword);
                }
            }
        }
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("bench-endpoints-")))
                    .as("the 0600 endpoints file is deleted after the run").isEmpty();
        }
    }
}
