package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.infra.LocalStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Servers stopped under open stores: every layout × client reports {@link StoreException.Unavailable} with a line
 * that names the server, within its timeouts; once the servers are back (same ports, passwords and data), the same
 * store objects work again. Uses its own servers, not the shared ones.
 */
class ServerOutageTest {

    @Test
    void everyStoreReportsAStoppedServerAsUnavailableAndWorksAgainAfterARestart() {
        List<SessionStore> stores = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        LocalStack stack = LocalStack.start(Path.of("target", "outage-stack-" + System.nanoTime()), EnumSet.allOf(LocalStack.Server.class));
        try {
            for (Backend b : Backend.all()) {
                if (b.layout() == Layout.MEMORY) {
                    continue;
                }
                SessionStore s = b.open(stack.endpoints(), SessionPolicy.DEFAULT);
                stores.add(s);
                names.add(b.toString());
                sessions.add(s.create("outage-user", Map.of("a", "1")));
            }
            stack.stopServers();
            assertUnavailable(stores, sessions, names);
            stack.restartServers();
            for (int i = 0; i < stores.size(); i++) {
                SessionStore s = stores.get(i);
                Session fresh = awaitUsable(s, names.get(i));
                assertThat(s.load(fresh.id())).as(names.get(i) + " after the restart").isPresent();
                assertThat(s.setAttribute(fresh.id(), "a", "2")).isTrue();
                assertThat(s.attribute(fresh.id(), "a")).contains("2");
            }
        } finally {
            stores.forEach(SessionStore::close);
            stack.close();
        }
        assertThat(stores).hasSize(Backend.all().size() - 1);
    }

    /** Clients reconnect on their own schedule (Lettuce backs off, pools retry): give each a few seconds. */
    private static Session awaitUsable(SessionStore s, String name) {
        java.util.concurrent.atomic.AtomicReference<Session> created = new java.util.concurrent.atomic.AtomicReference<>();
        await(name + " to recover").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                .ignoreException(StoreException.Unavailable.class)
                .until(() -> created.compareAndSet(null, s.create("outage-user-2", Map.of("a", "1"))));
        return created.get();
    }

    private static void assertUnavailable(List<SessionStore> stores, List<Session> sessions, List<String> names) {
        for (int i = 0; i < stores.size(); i++) {
            SessionStore s = stores.get(i);
            Session c = sessions.get(i);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.load(c.id())).as(names.get(i))
                    .isInstanceOf(StoreException.Unavailable.class)
                    .hasMessageContaining("unreachable").hasMessageNotContaining("\n");
            assertThat((System.nanoTime() - t0) / 1_000_000).as(names.get(i) + " gives up within its timeouts").isLessThan(15_000);
            assertThatThrownBy(() -> s.setAttribute(c.id(), "a", "2")).isInstanceOf(StoreException.Unavailable.class);
        }
    }
}
