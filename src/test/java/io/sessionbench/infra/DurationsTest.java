package io.sessionbench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void oneGrammarForOptionsAndScenarioFiles() {
        assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(Durations.parse("1.5s")).contains(Duration.ofMillis(1500));
        assertThat(Durations.parse(" 2m ")).contains(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
        assertThat(Durations.parse("10")).isEmpty();
        assertThat(Durations.parse("-1s")).isEmpty();
        assertThat(Durations.parse(null)).isEmpty();
        assertThatThrownBy(() -> Durations.of("--budget", "6 minutes")).isInstanceOf(ConfigException.class)
                .hasMessage("--budget '6 minutes' is not a duration like 500ms, 30s, 2m or 1h");
    }
}
