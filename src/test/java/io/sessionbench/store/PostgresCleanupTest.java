package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sessionbench.store.postgres.PostgresStore;
import io.sessionbench.testing.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Postgres cleanup job removes expired rows in batches and leaves live sessions alone. */
@ExtendWith(TestStack.class)
class PostgresCleanupTest {

    @Test
    void cleanupDeletesExpiredRowsInBatchesAndKeepsLiveOnes() throws Exception {
        SessionPolicy shortLived = SessionPolicy.DEFAULT.withIdleTtl(Duration.ofMillis(500));
        try (PostgresStore expiring = new PostgresStore(TestStack.endpoints().postgres(), shortLived, false, 4);
             PostgresStore live = new PostgresStore(TestStack.endpoints().postgres(), SessionPolicy.DEFAULT, false, 4)) {
            expiring.cleanupExpired(1000);
            List<SessionId> expired = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                expired.add(expiring.create("exp-" + UUID.randomUUID(), Map.of("i", String.valueOf(i))).id());
            }
            List<SessionId> kept = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                kept.add(live.create("live-" + UUID.randomUUID(), Map.of()).id());
            }
            // Postgres computes expiry (now() against expires_at): wait until it reports every short-lived row gone.
            await("the short-lived sessions to expire").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(() -> expired.stream().allMatch(id -> expiring.load(id).isEmpty()));
            assertThat(expiring.cleanupExpired(10)).as("rows removed in batches of 10").isEqualTo(25);
            assertThat(expiring.cleanupExpired(10)).as("nothing left to remove").isZero();
            for (SessionId id : kept) {
                assertThat(live.load(id)).isPresent();
            }
        }
    }
}
