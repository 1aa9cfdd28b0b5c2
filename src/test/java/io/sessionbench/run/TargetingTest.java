package io.sessionbench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.Endpoints.Setting;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.store.Layout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Your own servers, first class: with a target given, a run is about the given servers unless others are named. */
class TargetingTest {
    private static Targeting with(Map<Setting, String> settings) {
        return new Targeting(settings, LocalStack.Topology.STANDALONE, false, null, null);
    }

    @Test
    void aGivenRedisNarrowsTheRunToTheRedisLayoutsAndTheFloorAndSaysWhatItLeftOut() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Layout> kept = with(Map.of(Setting.REDIS_URI, "redis://:s3cret@10.0.0.7:6379")).targeted(Arrays.asList(Layout.values()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(kept).allMatch(l -> l.usesRedisClient() || l.server().isEmpty()).contains(Layout.MEMORY, Layout.REDIS_HASH)
                .doesNotContain(Layout.POSTGRES, Layout.MEMCACHED_BLOB);
        String said = out.toString(StandardCharsets.UTF_8);
        assertThat(said).contains("running", "memcached-blob", "postgres", "--layouts").doesNotContain("s3cret");
    }

    @Test
    void withoutATargetEveryLayoutStays() {
        List<Layout> all = Arrays.asList(Layout.values());
        assertThat(with(Map.of()).targeted(all, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isEqualTo(all);
    }
}
