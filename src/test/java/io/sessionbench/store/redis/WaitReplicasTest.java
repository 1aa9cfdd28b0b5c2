package io.sessionbench.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.store.Layout;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.StoreException;
import io.sessionbench.testing.TestStack;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code WAIT n} after every data write: done when the replicas acknowledged it, a Refused error when they did not. */
@ExtendWith(TestStack.class)
class WaitReplicasTest {

    private static Layout.StoreOptions lettuce(int replicas) {
        return new Layout.StoreOptions(RedisClientKind.LETTUCE, SessionPolicy.DEFAULT, 2, false).withWaitReplicas(replicas);
    }

    @Test
    void writesBehindSentinelWaitForTheirReplicasAndFailWhenTooFewAcknowledge() {
        for (Layout layout : new Layout[] {Layout.REDIS_HASH, Layout.REDIS_JSON}) {
            try (SessionStore two = layout.open(TestStack.sentinelEndpoints(), lettuce(2))) {
                Session s = two.create("wait-user", Map.of("cart", "1"));
                assertThat(two.setAttribute(s.id(), "cart", "2")).isTrue();
                assertThat(two.invalidateAll("wait-user")).isEqualTo(1);
            }
            try (SessionStore three = layout.open(TestStack.sentinelEndpoints(), lettuce(3))) {
                assertThatThrownBy(() -> three.create("wait-user-3", Map.of())).isInstanceOf(StoreException.Refused.class)
                        .hasMessageContaining("acknowledged by 2 of 3 replica(s) within 1000 ms (WAIT)");
                three.invalidateAll("wait-user-3"); // it was written on the primary; the refusal is about replication
            } catch (StoreException.Refused expectedFromCleanup) {
                // the clean-up write is refused for the same reason; the test stack is thrown away at the end
            }
        }
    }

    @Test
    void aServerWithoutReplicasRefusesAndClientsThatPoolOrSpreadWritesAreOneLineAtOpen() {
        try (SessionStore alone = Layout.REDIS_HASH.open(TestStack.endpoints(), lettuce(1))) {
            assertThatThrownBy(() -> alone.create("wait-alone", Map.of())).isInstanceOf(StoreException.Refused.class)
                    .hasMessageContaining("acknowledged by 0 of 1");
        }
        for (RedisClientKind c : new RedisClientKind[] {RedisClientKind.JEDIS, RedisClientKind.REDISSON}) {
            assertThatThrownBy(() -> Layout.REDIS_HASH.open(TestStack.sentinelEndpoints(), lettuce(1).withClient(c)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("WAIT after writes needs every write on one connection")
                    .hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> Layout.REDIS_HASH.open(TestStack.clusterEndpoints(), lettuce(1).withKeys(KeyDesign.USER)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lettuce on a cluster");
    }
}
