package io.sessionbench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.bench.Profile;
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
                null, liveSessions, null, Path.of("target"), false)).plan(Profile.QUICK);
    }

    /** JMH runs of a plan: benchmark methods × every combination of parameter values. */
    private static long runs(List<Profile.RunSpec> plan) {
        return plan.stream().mapToLong(s -> s.operations().size() * s.params().values().stream().mapToLong(List::size)
                .reduce(1, (a, b) -> a * b)).sum();
    }

    @Test
    void theQuickProfileRunsWhatItsHelpSays() {
        assertThat(runs(plan(null, null, null))).as("bench --profile's help says 44 runs").isEqualTo(44);
        Profile.RunSpec headline = Profile.QUICK.specs().get(0);
        assertThat(headline.include()).isEqualTo("io\\.sessionbench\\.bench\\.SessionOps\\.(request)$");
        assertThat(headline.params().get("layout")).first().isEqualTo("memory");
        assertThat(headline.params().keySet()).containsExactly("layout", "client", "sessionBytes", "distribution");
        assertThat(headline.forks()).isEqualTo(3);
    }

    @Test
    void layoutsAndBenchmarksNarrowThePlanByType() {
        List<Profile.RunSpec> p = plan(List.of(Layout.REDIS_HASH), "request|load", null);
        assertThat(p).allSatisfy(s -> assertThat(s.layouts()).containsExactly(Layout.REDIS_HASH));
        assertThat(p).flatExtracting(Profile.RunSpec::operations).containsOnly(Operation.REQUEST, Operation.LOAD);
        assertThat(p).extracting(Profile.RunSpec::name).doesNotContain("increment, 2 threads on 2 sessions (lost updates)");
        assertThat(p.get(0).include()).endsWith("SessionOps\\.(request)$");
        assertThat(plan(null, "load", 20)).allSatisfy(s -> assertThat(s.other()).containsEntry("liveSessions", "20"));
        assertThat(plan(null, "increment", 20)).singleElement()
                .satisfies(s -> assertThat(s.other()).as("the contention run keeps its own").containsEntry("liveSessions", "2"));
        assertThatThrownBy(() -> plan(List.of(Layout.POSTGRES), "increment", null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("nothing to run");
    }

    @Test
    void eachRunsTargetsAreItsLayoutsWithTheirClients() {
        Profile.RunSpec clients = Profile.QUICK.specs().get(1);
        assertThat(clients.targets()).extracting(io.sessionbench.store.Target::label)
                .contains("redis-hash/jedis", "redis-json/redisson").doesNotContain("redis-hash/lettuce");
        assertThat(Profile.QUICK.specs().get(0).targets()).extracting(io.sessionbench.store.Target::label).contains("postgres", "memory");
        assertThat(Map.copyOf(Profile.QUICK.specs().get(0).other())).isEmpty();
    }
}
