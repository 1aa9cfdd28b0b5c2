package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A remote target beside servers on this machine is marked as unequal in the conditions every output carries. */
class NetworkLabelTest {
    @Test
    void mixedPlacementsAreNamedAndMarkedNotComparable() {
        Map<String, Boolean> mixed = new LinkedHashMap<>();
        mixed.put("redis", false);
        mixed.put("memcached", true);
        mixed.put("postgres", true);
        assertThat(Environment.network(mixed)).startsWith("MIXED, not comparable across them: redis over the network; memcached, postgres on this machine");
        assertThat(Environment.network(Map.of("redis", true))).startsWith("loopback");
        assertThat(Environment.network(Map.of("redis", false))).isEqualTo("network (remote servers: redis)");
    }
}
