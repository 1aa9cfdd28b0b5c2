package io.sessionbench.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One tag per slot, each landing in its slot, matching the tags Redis 7.0's redis-benchmark --cluster was seen writing. */
class SlotTagsTest {
    @Test
    void everySlotHasADistinctTagThatHashesToIt() {
        Set<String> seen = new HashSet<>();
        for (int slot = 0; slot < SlotTags.SLOTS; slot++) {
            String tag = SlotTags.tag(slot);
            assertThat(tag).hasSizeBetween(1, 3).matches("[0-9A-Za-z]+");
            assertThat(SlotHash.getSlot(tag.getBytes(StandardCharsets.UTF_8))).isEqualTo(slot);
            assertThat(seen.add(tag)).isTrue();
        }
    }

    @Test
    void theTagsRedisBenchmarkWroteOnAThreePrimaryClusterAreTheOnesBuiltHere() {
        // keys written by redis-benchmark 7.0.15 --cluster: cal:{06S}:…, cal:{8M}}:…, cal:{63n}:… (first slot of each primary)
        for (String tag : new String[] {"06S", "8M", "63n"}) {
            assertThat(SlotTags.tag(SlotHash.getSlot(tag.getBytes(StandardCharsets.UTF_8)))).isEqualTo(tag);
        }
        assertThat(SlotTags.tag(0)).isEqualTo("06S");
    }
}
