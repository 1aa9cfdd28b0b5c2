package io.sessionbench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.bench.Profile;
import io.sessionbench.gate.Rounds;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.metrics.Operation;
import io.sessionbench.store.Layout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The profiles' run plans, typed: what JMH is asked to run, and how --layouts and --benchmarks narrow it. */
class BenchPlanTest {
    private static List<Profile.RunSpec> plan(List<Layout> layouts, String benchmarks, Integer liveSessions) {
        return new BenchRun(new BenchRun.Settings(null, Profile.QUICK, "t", Path.of("target"), layouts, benchmarks, null, null, null,
                null, liveSessions, null, Path.of("target"), false, null)).plan(Profile.QUICK);
    }

    /** JMH runs of a plan: benchmark methods × every combination of parameter values. */
    private static long runs(List<Profile.RunSpec> plan) {
        return plan.stream().mapToLong(s -> s.operations().size() * s.params().values().stream().mapToLong(List::size)
                .reduce(1, (a, b) -> a * b)).sum();
    }

    @Test
    void theQuickProfileRunsWhatItsHelpSays() {
        assertThat(runs(plan(null, null, null))).as("bench --profile's help says 39 benchmarks").isEqualTo(39);
        Profile.RunSpec headline = Profile.QUICK.specs().get(0);
        assertThat(headline.include()).isEqualTo("io\\.sessionbench\\.bench\\.SessionOps\\.(request)$");
        assertThat(headline.params().get("layout")).doesNotContain("memory");
        assertThat(headline.params().keySet()).containsExactly("layout", "client", "sessionBytes", "distribution");
        assertThat(headline.forksOr(Profile.QUICK.forks)).isEqualTo(3);
    }

    /**
     * The quick profile's rounds: three forks of every benchmark a table judges, one of the in-process floor (not ranked)
     * and of each contention run (exact counts of lost updates); each round holds a benchmark once, in an order drawn
     * from the seed, and a benchmark's forks fall in different rounds.
     */
    @Test
    void theQuickProfileRunsInRoundsOfOneForkOfEveryBenchmark() {
        List<Profile.RunSpec> specs = plan(null, null, null);
        List<Rounds.Unit> units = Rounds.units(specs, s -> s.forksOr(Profile.QUICK.forks));
        assertThat(units).hasSize(39);
        assertThat(units).filteredOn(u -> u.params().get("layout").equals("memory")).singleElement()
                .satisfies(u -> assertThat(u.forks()).isEqualTo(1));
        assertThat(units).filteredOn(u -> u.operation() == Operation.INCREMENT).hasSize(8).allSatisfy(u -> assertThat(u.forks()).isEqualTo(1));
        List<List<Rounds.Unit>> rounds = Rounds.plan(units, new java.util.Random(1));
        assertThat(rounds).hasSize(3);
        assertThat(rounds.stream().mapToInt(List::size).sum()).isEqualTo(30 * 3 + 9);
        assertThat(rounds).allSatisfy(r -> assertThat(r).doesNotHaveDuplicates());
        assertThat(rounds.get(1)).containsExactlyInAnyOrderElementsOf(rounds.get(2)).isNotEqualTo(rounds.get(2));
        assertThat(Rounds.plan(units, new java.util.Random(1))).as("the order follows from the recorded seed").isEqualTo(rounds);
        assertThat(units.get(0).label()).isEqualTo("request layout=redis-hash client=lettuce sessionBytes=2048 distribution=uniform");
        assertThat(units.get(0).include()).isEqualTo("io\\.sessionbench\\.bench\\.SessionOps\\.request$");
    }

    /** Each merged record says the forks its rawData holds (JMH wrote the 1 each fork was launched with). */
    @Test
    void mergedRecordsCountTheirForks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path json = dir.resolve("jmh.json");
        java.nio.file.Files.writeString(json, "[{\"benchmark\":\"b\",\"forks\":1,\"primaryMetric\":{\"rawData\":[[1,2],[3,4],[5,6]]}}]");
        Rounds.fixForkCounts(json);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).get(0).get("forks").asInt()).isEqualTo(3);
    }

    @Test
    void layoutsAndBenchmarksNarrowThePlanByType() {
        List<Profile.RunSpec> p = plan(List.of(Layout.REDIS_HASH), "request|updateAttribute", null);
        assertThat(p).allSatisfy(s -> assertThat(s.layouts()).containsExactly(Layout.REDIS_HASH));
        assertThat(p).flatExtracting(Profile.RunSpec::operations).containsOnly(Operation.REQUEST, Operation.UPDATE_ATTRIBUTE);
        assertThat(p).extracting(Profile.RunSpec::name).doesNotContain("increment, 2 threads on 2 sessions (lost updates)");
        assertThat(p.get(0).include()).endsWith("SessionOps\\.(request)$");
        assertThat(plan(null, "updateAttribute", 20)).allSatisfy(s -> assertThat(s.other()).containsEntry("liveSessions", "20"));
        assertThat(plan(null, "increment", 20)).singleElement()
                .satisfies(s -> assertThat(s.other()).as("the contention run keeps its own").containsEntry("liveSessions", "2"));
        assertThatThrownBy(() -> plan(List.of(Layout.POSTGRES), "increment", null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("nothing to run");
    }

    @Test
    void eachRunsTargetsAreItsLayoutsWithTheirClients() {
        Profile.RunSpec clients = Profile.QUICK.specs().get(2);
        assertThat(clients.targets()).extracting(io.sessionbench.store.Target::label)
                .contains("redis-hash/jedis", "redis-json/redisson").doesNotContain("redis-hash/lettuce");
        assertThat(Profile.QUICK.specs().get(0).targets()).extracting(io.sessionbench.store.Target::label).contains("postgres")
                .doesNotContain("memory");
        assertThat(Profile.QUICK.specs().get(1).targets()).extracting(io.sessionbench.store.Target::label).containsExactly("memory");
        assertThat(Map.copyOf(Profile.QUICK.specs().get(0).other())).isEmpty();
    }
}
