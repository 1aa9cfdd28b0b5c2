package io.sessionbench.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.report.ReportWriter;
import io.sessionbench.report.Stats;
import io.sessionbench.report.SummaryRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history on committed runs: synthetic histories of committed forks, shuffled, with and without a known step; the
 * committed same-build runs; an environment change; bad input refused in one line with nothing written.
 */
class HistoryTest {
    @TempDir
    Path dir;

    /** Five same-build quick runs from clean clones (results/2026-12-06_quick-rounds). */
    static final List<Path> SAME_BUILD = List.of("2026-12-06_072959_readme-quick-1", "2026-12-06_073904_readme-quick-2",
            "2026-12-06_074806_readme-quick-3", "2026-12-06_075709_readme-quick-4").stream()
            .map(n -> Path.of("results/2026-12-06_quick-rounds").resolve(n)).toList();

    /**
     * Every fork value (median ok/s of its iterations) of {@code request} postgres at 128 KB, 1 thread, over the runs: the
     * steadiest benchmark of the quick profile (forks spread 8 %; redis-hash/lettuce at 2 KB spreads 18 %, against which
     * a 10 % step is below the history's resolution at p &lt; 0.001, and rightly not called).
     */
    static double[] committedForks() {
        return FORKS.get().clone();
    }

    /** Read once: the reports' rows of five runs take seconds to build, and every synthetic history draws from them. */
    private static final java.util.function.Supplier<double[]> FORKS = new java.util.function.Supplier<>() {
        private double[] forks;

        @Override
        public synchronized double[] get() {
            if (forks == null) {
                forks = readCommittedForks();
            }
            return forks;
        }
    };

    private static double[] readCommittedForks() {
        List<Double> out = new ArrayList<>();
        for (Path run : SAME_BUILD) {
            for (SummaryRow r : ReportWriter.summaryRows(run)) {
                var rec = r.record();
                if (rec.benchmark().endsWith(".request") && "postgres".equals(rec.params().get("layout"))
                        && "131072".equals(rec.params().get("sessionBytes"))
                        && rec.threads() == 1 && "1".equals(rec.params().getOrDefault("inFlight", "1"))) {
                    rec.primary().forks().forEach(f -> out.add(Stats.median(f)));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A run of 3 forks drawn from {@code pool}, scaled by {@code factor}; {@code lost} lost updates. */
    static HistoryRecord run(int i, double[] pool, SplittableRandom r, double factor, double lost, String cpu) {
        double[] forks = new double[3];
        for (int k = 0; k < 3; k++) {
            forks[k] = pool[r.nextInt(pool.length)] * factor;
        }
        double[] logs = java.util.Arrays.stream(forks).map(Math::log).toArray();
        double mean = java.util.Arrays.stream(logs).average().orElseThrow();
        double se = Math.sqrt(ChangePoints.variance(logs) / 3);
        double res = 100 * Math.expm1((4.30 + 1.06) * se * Math.sqrt(2));
        Map<String, String> env = new java.util.TreeMap<>(Map.of("cpu", cpu, "cores", "2"));
        HistoryRecord.Bench b = new HistoryRecord.Bench("request postgres 128KB t1", forks, Math.exp(mean), Double.NaN, Double.NaN, res,
                100, 300, 900, 0, lost, null);
        return new HistoryRecord(1, String.format("run-%03d", i), "c" + i, "main", String.format("2026-12-%02dT%02d:00", 1 + i / 24, i % 24), "1",
                env, HistoryRecord.fingerprint(env), List.of(b));
    }

    static List<HistoryRecord> synthetic(long seed, int n, int step, double factor, int lossFrom, int cpuFrom) {
        double[] pool = committedForks();
        SplittableRandom r = new SplittableRandom(seed);
        List<HistoryRecord> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            runs.add(run(i, pool, r, i >= step ? factor : 1, i >= lossFrom ? 3 : 0, i >= cpuFrom ? "Other CPU" : "AMD EPYC"));
        }
        return runs;
    }

    @Test
    void theCommittedForksAreTheSeriesMaterial() {
        assertThat(committedForks()).hasSizeGreaterThanOrEqualTo(12);
    }

    @Test
    void aTenPercentStepIsOneChangePointWithinARunOfIt() {
        int found = 0;
        for (long seed = 1; seed <= 20; seed++) {
            List<History.Change> c = History.changes(synthetic(seed, 40, 20, 0.90, Integer.MAX_VALUE, Integer.MAX_VALUE)).stream()
                    .filter(x -> x.metric() == History.Metric.THROUGHPUT).toList();
            if (c.size() == 1 && Math.abs(Integer.parseInt(c.get(0).after().id().substring(4)) - 20) <= 1) {
                found++;
            }
        }
        assertThat(found).as("of 20 shuffled histories with a 10 % step at run 20").isGreaterThanOrEqualTo(16);
    }

    @Test
    void aStepBetweenTwoRunsOfOneBuildIsTheMachinesNotARegression() {
        int seen = 0;
        for (long seed = 1; seed <= 20; seed++) {
            List<HistoryRecord> runs = new ArrayList<>(synthetic(seed, 40, 20, 0.90, Integer.MAX_VALUE, Integer.MAX_VALUE));
            HistoryRecord at = runs.get(20);
            // run 20 rebuilt from run 19's commit: the same build either side of the step
            runs.set(20, new HistoryRecord(at.format(), at.id(), runs.get(19).commit(), at.branch(), at.date(), at.resultsVersion(),
                    at.environment(), at.fingerprint(), at.benchmarks()));
            for (History.Change c : History.changes(runs)) {
                if (c.after().id().equals("run-020")) {
                    seen++;
                    assertThat(c.kind()).isEqualTo("machine");
                    assertThat(c.describe()).contains("one build either side");
                }
            }
        }
        assertThat(seen).as("histories whose step was found at run 20").isGreaterThanOrEqualTo(10);
    }

    @Test
    void withoutTheStepNoChangePoint() {
        int alarms = 0;
        for (long seed = 1; seed <= 20; seed++) {
            alarms += History.changes(synthetic(seed, 40, Integer.MAX_VALUE, 1, Integer.MAX_VALUE, Integer.MAX_VALUE)).size();
        }
        assertThat(alarms).as("change points in 20 histories of 40 runs without a step").isLessThanOrEqualTo(1);
    }

    @Test
    void lossAppearingIsReportedFirst() {
        List<History.Change> c = History.changes(synthetic(3, 40, 20, 0.85, 30, Integer.MAX_VALUE));
        assertThat(c.get(0).metric()).isEqualTo(History.Metric.LOST_UPDATES);
        assertThat(c.get(0).after().id()).isEqualTo("run-030");
        assertThat(c.get(0).describe()).contains("lost updates appeared");
        assertThat(c).anyMatch(x -> x.metric() == History.Metric.THROUGHPUT);
    }

    @Test
    void anEnvironmentChangeIsASegmentNotARegression() {
        // every run after 20 on another CPU, 15 % slower: a segment boundary, and no speed change point across it
        List<History.Change> c = History.changes(synthetic(5, 40, 20, 0.85, Integer.MAX_VALUE, 20));
        assertThat(c).hasSize(1);
        assertThat(c.get(0).environment()).isTrue();
        assertThat(c.get(0).describe()).contains("cpu AMD EPYC → Other CPU");
    }

    @Test
    void theCommittedSameBuildRunsHaveNoChangePointAndAddingTwiceIsSaid() throws Exception {
        Path h = dir.resolve("history");
        History history = History.open(h, "main");
        for (int i = 0; i < SAME_BUILD.size(); i++) {
            assertThat(history.add(HistoryRecord.of(SAME_BUILD.get(i), "c" + i, "main"))).startsWith("history: added ");
        }
        assertThat(History.changes(History.open(h, "main").runs())).isEmpty();
        assertThat(history.add(HistoryRecord.of(SAME_BUILD.get(0), "c0", "main"))).contains("is already in").contains("nothing written");
        assertThat(history.runs()).hasSize(SAME_BUILD.size());
        HistoryRecord back = history.runs().get(0);
        assertThat(back.benchmarks()).isNotEmpty();
        assertThat(back.benchmarks().stream().filter(b -> b.histogram() != null).findFirst().orElseThrow().decodeHistogram().getTotalCount()).isPositive();
        // the site opens with what changed (nothing here) and holds every benchmark's series
        Path index = HistorySite.build(history.runs(), List.of(), java.util.Map.of(), "main", history.bytes(), dir.resolve("site"));
        assertThat(Files.readString(index)).contains("No change point in 4 runs").contains("echarts");
    }

    @Test
    void aPinnedRunIsAnotherEnvironment() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        // the texts bench writes to env.json's run.pinning (Pinning.describe), pinned and not
        Map<String, String> pinned = HistoryRecord.environment(json.readTree(
                "{\"run\":{\"pinning\":\"servers pinned to core 1, clients (JVMs and native tools) to core(s) 0\"}}"));
        Map<String, String> free = HistoryRecord.environment(json.readTree(
                "{\"run\":{\"pinning\":\"not pinned: every process may run on every core (no --pin)\"}}"));
        Map<String, String> older = HistoryRecord.environment(json.readTree("{\"run\":{}}"));
        assertThat(pinned.get("pinned")).isEqualTo("yes");
        assertThat(free.get("pinned")).isEqualTo("no");
        assertThat(older).isEqualTo(free);
        assertThat(HistoryRecord.fingerprint(pinned)).isNotEqualTo(HistoryRecord.fingerprint(free));
    }

    @Test
    void aBenchmarkKeyNamesItsGateBenchmarkOnlyWhenTheGateRunsIt() {
        assertThat(History.gateBenchmark("SessionOps.request_client=jedis_distribution=uniform_layout=redis-hash_liveSessions=10000"
                + "_sessionBytes=2048_updates=safe_t1")).contains("request:redis-hash/jedis");
        assertThat(History.gateBenchmark("SessionOps.create_client=lettuce_distribution=uniform_layout=postgres_liveSessions=10000"
                + "_sessionBytes=2048_updates=safe_t1")).contains("create:postgres");
        // 128 KB, or two threads: not what the gate runs
        assertThat(History.gateBenchmark("SessionOps.request_client=lettuce_distribution=uniform_layout=redis-json_liveSessions=1024"
                + "_sessionBytes=131072_updates=safe_t1")).isEmpty();
        assertThat(History.gateBenchmark("SessionOps.request_client=lettuce_distribution=uniform_layout=redis-json_liveSessions=10000"
                + "_sessionBytes=2048_updates=safe_t2")).isEmpty();
    }

    @Test
    void aConfirmationIsKeptByTheChangesIdAndShownOnTheSite() throws Exception {
        Path h = dir.resolve("history");
        History history = History.open(h, "main");
        history.add(HistoryRecord.of(SAME_BUILD.get(0), "c0", "main"));
        List<History.Change> changes = History.changes(synthetic(3, 40, 20, 0.85, Integer.MAX_VALUE, Integer.MAX_VALUE));
        History.Change c = changes.stream().filter(x -> x.metric() == History.Metric.THROUGHPUT).findFirst().orElseThrow();
        history.confirm(c.id(), "confirmed", "results/confirm-x/2026-12-06_gate", "REGRESSION (exit 1)");
        assertThat(History.open(h, "main").confirmations()).containsKey(c.id());
        Path index = HistorySite.build(history.runs(), changes, history.confirmations(), "main", history.bytes(), dir.resolve("site"));
        assertThat(Files.readString(index)).contains("<b>confirmed</b> by <a href=\"results/confirm-x/2026-12-06_gate/gate.md\">");
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws Exception {
        Path h = dir.resolve("history");
        History.open(h, "main").add(HistoryRecord.of(SAME_BUILD.get(0), "c0", "main"));
        long before = History.open(h, "main").bytes();
        assertThatThrownBy(() -> HistoryRecord.of(dir, "c", "main")).isInstanceOf(ConfigException.class).hasMessageContaining("is not a sessionbench run");
        Path other = dir.resolve("other-version");
        Files.createDirectories(other);
        Files.copy(SAME_BUILD.get(1).resolve("jmh.json"), other.resolve("jmh.json"));
        Files.writeString(other.resolve("env.json"), Files.readString(SAME_BUILD.get(1).resolve("env.json"))
                .replaceFirst("\"run\"\\s*:\\s*\\{", "\"run\" : { \"resultsVersion\" : \"99\","));
        assertThatThrownBy(() -> HistoryRecord.of(other, "c", "main")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("another version of sessionbench (results version 99");
        assertThatThrownBy(() -> History.open(h, "main").add(HistoryRecord.of(SAME_BUILD.get(1), "c1", "feature")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is of branch 'main'");
        Path corrupt = h.resolve("runs").resolve("broken.json");
        Files.writeString(corrupt, "{ not json");
        assertThatThrownBy(() -> History.open(h, "main").add(HistoryRecord.of(SAME_BUILD.get(1), "c1", "main")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("broken.json is not a history record");
        Files.delete(corrupt);
        Files.writeString(h.resolve("history.json"), "[]");
        assertThatThrownBy(() -> History.open(h, "main")).isInstanceOf(ConfigException.class).hasMessageContaining("is not a history file");
        assertThat(Files.list(h.resolve("runs")).count()).isEqualTo(1);
        assertThat(Files.size(h.resolve("runs").resolve(SAME_BUILD.get(0).getFileName() + ".json"))).isEqualTo(before);
    }
}
