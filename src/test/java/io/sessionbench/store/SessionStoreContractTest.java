package io.sessionbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.testing.RawWrites;
import io.sessionbench.testing.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The store's contract, run on real servers against each layout on each topology (see {@link Backend#everywhere()}). */
@ExtendWith(TestStack.class)
@ExtendWith(SessionStoreContractTest.NamesTheBackend.class)
@ParameterizedClass(name = "{0}")
@MethodSource("backends")
class SessionStoreContractTest {
    /**
     * Surefire names a parameterized class's cases {@code SessionStoreContractTest[11]}; this puts the backend at the
     * head of every failure message, so a CI report says which backend failed.
     */
    static final class NamesTheBackend implements org.junit.jupiter.api.extension.TestExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(org.junit.jupiter.api.extension.ExtensionContext context, Throwable t) throws Throwable {
            Object instance = context.getTestInstance().orElse(null);
            if (instance instanceof SessionStoreContractTest test && !(t instanceof org.opentest4j.TestAbortedException)) {
                AssertionError named = new AssertionError("on " + test.backend + ": " + t.getMessage(), t);
                named.setStackTrace(t.getStackTrace());
                throw named;
            }
            throw t;
        }
    }

    private final Backend backend;
    private final List<SessionStore> opened = new ArrayList<>();

    SessionStoreContractTest(Backend backend) {
        this.backend = backend;
    }

    static Stream<Backend> backends() {
        return Backend.everywhere().stream();
    }

    private SessionStore store(SessionPolicy policy) {
        SessionStore s = backend.open(backend.endpoints(), policy);
        opened.add(s);
        return s;
    }

    private SessionStore store(SessionPolicy policy, java.util.function.LongSupplier clock) {
        SessionStore s = backend.open(backend.endpoints(), policy, clock);
        opened.add(s);
        return s;
    }

    private SessionStore store() {
        return store(SessionPolicy.DEFAULT);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(SessionStore::close);
    }

    private static String user() {
        return "user-" + UUID.randomUUID();
    }

    @Test
    void createdSessionLoadsWithItsAttributes() {
        SessionStore s = store();
        String user = user();
        Session created = s.create(user, Map.of("role", "admin", "theme", "dark"));
        Session loaded = s.load(created.id()).orElseThrow();
        assertThat(loaded.userId()).isEqualTo(user);
        assertThat(loaded.attributes()).isEqualTo(Map.of("role", "admin", "theme", "dark"));
        assertThat(loaded.createdAt()).isPositive();
        assertThat(s.layout()).isEqualTo(backend.layout().label());
    }

    @Test
    void attributeReadsOneFieldAndMissingOnesAreEmpty() {
        SessionStore s = store();
        Session c = s.create(user(), Map.of("role", "admin"));
        assertThat(s.attribute(c.id(), "role")).contains("admin");
        assertThat(s.attribute(c.id(), "absent")).isEmpty();
        assertThat(s.attribute(SessionId.random(), "role")).isEmpty();
    }

    @Test
    void setAttributeIsPartialAndKeepsTheOthers() {
        SessionStore s = store();
        Session c = s.create(user(), Map.of("a", "1", "b", "2"));
        assertThat(s.setAttribute(c.id(), "b", "two")).isTrue();
        assertThat(s.setAttributes(c.id(), Map.of("c", "3", "d", "4"))).isTrue();
        assertThat(s.load(c.id()).orElseThrow().attributes())
                .isEqualTo(Map.of("a", "1", "b", "two", "c", "3", "d", "4"));
    }

    @Test
    void requestReadsTheNamedAttributesAndRenews() {
        SessionStore s = store();
        Session c = s.create(user(), Map.of("auth", "u1", "perms", "rw", "prefs", "{}", "cart", "x"));
        assertThat(s.request(c.id(), List.of("auth", "perms", "prefs", "missing")))
                .contains(Map.of("auth", "u1", "perms", "rw", "prefs", "{}"));
        assertThat(s.request(SessionId.random(), List.of("auth"))).isEmpty();
        assertThat(s.touch(c.id())).isTrue();
        assertThat(s.touch(SessionId.random())).isFalse();
    }

    @Test
    void requestAsyncAnswersAsRequestDoesOnAsyncClientsOnly() throws Exception {
        SessionStore s = store();
        boolean async = backend.layout().usesRedisClient()
                ? backend.client() != io.sessionbench.store.redis.RedisClientKind.JEDIS
                : backend.layout() == Layout.MEMCACHED_BLOB;
        assertThat(s.async()).isEqualTo(async);
        List<String> names = List.of("auth", "perms", "missing");
        Session c = s.create(user(), Map.of("auth", "u1", "perms", "rw", "prefs", "{}"));
        if (!async) {
            assertThatThrownBy(() -> s.requestAsync(c.id(), names)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("no async");
            return;
        }
        assertThat(s.requestAsync(c.id(), names).toCompletableFuture().get()).isEqualTo(s.request(c.id(), names))
                .contains(Map.of("auth", "u1", "perms", "rw"));
        assertThat(s.requestAsync(SessionId.random(), names).toCompletableFuture().get()).isEmpty();
        if (backend.layout().usesRedisClient()) {
            // The server forgets its scripts (restart, SCRIPT FLUSH): the async path falls back to EVAL like the sync one.
            RawWrites.redis(backend.endpoints(), j -> j.scriptFlush());
        }
        assertThat(s.requestAsync(c.id(), names).toCompletableFuture().get()).contains(Map.of("auth", "u1", "perms", "rw"));
        RawWrites.Corruption corruption = RawWrites.corruptions(backend.layout()).get(0);
        corruption.plant().accept(backend.endpoints(), c.id());
        assertThatThrownBy(() -> s.requestAsync(c.id(), names).toCompletableFuture().join())
                .as(corruption.name()).hasCauseInstanceOf(StoreException.class)
                .cause().hasMessageContaining(c.id().value());
        assertThat(s.invalidate(c.id())).as("the planted bytes are removed, so no other test samples them").isTrue();
    }

    @Test
    void invalidateRemovesOneAndInvalidateAllRemovesTheUsersSessions() {
        SessionStore s = store();
        String user = user();
        Session a = s.create(user, Map.of());
        Session b = s.create(user, Map.of());
        Session other = s.create(user(), Map.of());
        assertThat(s.sessions(user)).containsExactly(a.id(), b.id());
        assertThat(s.invalidate(a.id())).isTrue();
        assertThat(s.invalidate(a.id())).isFalse();
        assertThat(s.load(a.id())).isEmpty();
        assertThat(s.sessions(user)).containsExactly(b.id());
        Session c = s.create(user, Map.of());
        assertThat(s.invalidateAll(user)).isEqualTo(2);
        assertThat(s.load(b.id())).isEmpty();
        assertThat(s.load(c.id())).isEmpty();
        assertThat(s.sessions(user)).isEmpty();
        assertThat(s.load(other.id())).isPresent();
    }

    /**
     * Idle expiry. The in-process store computes it from its clock, so the test moves an injected clock; the servers
     * expire keys and rows themselves, so the test uses their shortest TTL (Memcached counts whole seconds) and polls
     * for the expiry instead of sleeping a fixed time.
     */
    @Test
    void touchingKeepsASessionAlivePastItsFirstDeadlineAndIdleOnesExpire() throws Exception {
        if (backend.layout() == Layout.MEMORY) {
            AtomicLong clock = new AtomicLong(System.currentTimeMillis());
            SessionStore s = store(SessionPolicy.DEFAULT.withIdleTtl(Duration.ofSeconds(2)), clock::get);
            Session kept = s.create(user(), Map.of("k", "v"));
            Session idle = s.create(user(), Map.of("k", "v"));
            for (int i = 0; i < 8; i++) {
                clock.addAndGet(400);
                assertThat(s.touch(kept.id())).as("touch at +%d ms", 400 * (i + 1)).isTrue();
            }
            assertThat(s.load(kept.id())).as("touched session after its first deadline").isPresent();
            assertThat(s.load(idle.id())).as("idle session after its deadline").isEmpty();
            clock.addAndGet(2001);
            assertExpiredForGood(s, kept);
            return;
        }
        // Memcached counts expiry in whole seconds on a clock that ticks once a second: a 1 s TTL can end at once.
        Duration ttl = Duration.ofMillis(backend.layout() == Layout.MEMCACHED_BLOB ? 2000 : 300);
        SessionStore s = store(SessionPolicy.DEFAULT.withIdleTtl(ttl));
        Session kept = s.create(user(), Map.of("k", "v"));
        Session idle = s.create(user(), Map.of("k", "v"));
        long start = System.nanoTime();
        // Keep touching until the idle one is gone and the kept one has outlived two of its TTLs.
        await("the idle session to expire").atMost(ttl.multipliedBy(10).plusSeconds(2)).pollDelay(Duration.ZERO)
                .pollInterval(ttl.dividedBy(4)).until(() -> {
                    assertThat(s.touch(kept.id())).as("touch at %d ms", elapsedMillis(start)).isTrue();
                    return s.load(idle.id()).isEmpty() && elapsedMillis(start) > 2 * ttl.toMillis();
                });
        assertThat(s.load(kept.id())).as("touched session after its first deadline").isPresent();
        await("the session left idle to expire").atMost(ttl.multipliedBy(10).plusSeconds(2)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> s.load(kept.id()).isEmpty());
        assertExpiredForGood(s, kept);
    }

    /**
     * Absolute lifetime. Postgres computes it on the server ({@code now()}), so the test polls a sub-second lifetime
     * away; the other stores compare it with their clock, so the test moves an injected clock past it.
     */
    @Test
    void anAbsoluteLifetimeEndsASessionEvenWhenItIsKeptActive() throws Exception {
        if (backend.isPostgres()) {
            SessionStore s = store(SessionPolicy.DEFAULT.withAbsoluteLifetime(Duration.ofMillis(600)));
            Session c = s.create(user(), Map.of("k", "v"));
            assertThat(c.absoluteExpiry()).isPositive();
            assertThat(s.touch(c.id())).isTrue();
            assertThat(s.request(c.id(), List.of("k"))).as("before the absolute deadline").isPresent();
            await("the absolute lifetime to end while the session is touched").atMost(Duration.ofSeconds(10))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
                        s.touch(c.id());
                        return s.load(c.id()).isEmpty();
                    });
            assertExpiredForGood(s, c);
            return;
        }
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        SessionStore s = store(SessionPolicy.DEFAULT.withAbsoluteLifetime(Duration.ofSeconds(60)), clock::get);
        Session c = s.create(user(), Map.of("k", "v"));
        assertThat(c.absoluteExpiry()).isEqualTo(clock.get() + 60_000);
        for (int i = 0; i < 5; i++) {
            clock.addAndGet(10_000);
            assertThat(s.touch(c.id())).as("touch at +%d s", 10 * (i + 1)).isTrue();
            assertThat(s.request(c.id(), List.of("k"))).isPresent();
        }
        assertThat(s.load(c.id())).as("before the absolute deadline").isPresent();
        clock.addAndGet(10_001);
        s.touch(c.id());
        assertExpiredForGood(s, c);
    }

    /** An expired session stays gone: no read finds it and no write brings it back. */
    private static void assertExpiredForGood(SessionStore s, Session c) {
        assertThat(s.load(c.id())).as("after expiry").isEmpty();
        assertThat(s.attribute(c.id(), "k")).isEmpty();
        assertThat(s.request(c.id(), List.of("k"))).isEmpty();
        assertThat(s.setAttribute(c.id(), "k", "again")).isFalse();
        assertThat(s.load(c.id())).as("write after expiry must not bring it back").isEmpty();
    }

    private static long elapsedMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void concurrentUpdatesOfDifferentFieldsAllSurvive() throws Exception {
        SessionStore s = store();
        Session c = s.create(user(), Map.of("base", "0"));
        int threads = 8;
        int rounds = 25;
        runTogether(threads, t -> {
            for (int r = 0; r < rounds; r++) {
                s.setAttribute(c.id(), "field" + t, "v" + r);
            }
        });
        Map<String, String> attrs = s.load(c.id()).orElseThrow().attributes();
        for (int t = 0; t < threads; t++) {
            assertThat(attrs).containsEntry("field" + t, "v" + (rounds - 1));
        }
        assertThat(attrs).containsEntry("base", "0");
    }

    /**
     * Without optimistic concurrency, read-modify-write layouts lose updates; field-level layouts cannot. Trials
     * repeat until a loss shows (or 200 trials pass), so the assertion fails if naive mode were somehow safe.
     */
    @Test
    void naiveModeLosesUpdatesOnlyOnReadModifyWriteLayouts() throws Exception {
        SessionStore s = store(SessionPolicy.DEFAULT.withSafeUpdates(false));
        int lostTrials = 0;
        int trials = 0;
        int threads = 6;
        while (trials < (backend.readModifyWrite() ? 200 : 20) && (lostTrials == 0 || !backend.readModifyWrite())) {
            trials++;
            Session c = s.create(user(), Map.of());
            runTogether(threads, t -> s.setAttribute(c.id(), "f" + t, "x"));
            if (s.load(c.id()).orElseThrow().attributes().size() < threads) {
                lostTrials++;
            }
        }
        if (backend.readModifyWrite()) {
            assertThat(lostTrials).as("trials with a lost update in %d trials", trials).isPositive();
        } else {
            assertThat(lostTrials).as("field-level layout lost updates").isZero();
        }
    }

    @Test
    void tenConcurrentLoginsLeaveExactlyThreeSessions() throws Exception {
        SessionStore s = store();
        String user = user();
        List<SessionId> created = java.util.Collections.synchronizedList(new ArrayList<>());
        runTogether(10, t -> created.add(s.create(user, Map.of("n", String.valueOf(t))).id()));
        assertThat(created).hasSize(10);
        List<SessionId> live = s.sessions(user);
        assertThat(live).hasSize(3);
        int loadable = 0;
        for (SessionId id : created) {
            if (s.load(id).isPresent()) {
                loadable++;
                assertThat(live).contains(id);
            }
        }
        assertThat(loadable).isEqualTo(3);
    }

    @Test
    void theCapEvictsTheOldestSessions() {
        SessionStore s = store();
        String user = user();
        List<SessionId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(s.create(user, Map.of()).id());
        }
        assertThat(s.sessions(user)).containsExactlyElementsOf(ids.subList(2, 5));
        assertThat(s.load(ids.get(0))).isEmpty();
        assertThat(s.load(ids.get(1))).isEmpty();
    }

    @Test
    void saveAfterInvalidateDoesNotResurrectTheSession() {
        SessionStore s = store();
        Session c = s.create(user(), Map.of("a", "1"));
        assertThat(s.invalidate(c.id())).isTrue();
        assertThat(s.setAttribute(c.id(), "a", "2")).isFalse();
        assertThat(s.setAttributes(c.id(), Map.of("b", "3"))).isFalse();
        assertThat(s.touch(c.id())).isFalse();
        assertThat(s.request(c.id(), List.of("a"))).isEmpty();
        assertThat(s.load(c.id())).isEmpty();
        assertThat(s.attribute(c.id(), "a")).isEmpty();
    }

    @Test
    void sampleReturnsLiveSessions() {
        SessionStore s = store();
        Set<SessionId> mine = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            mine.add(s.create(user(), Map.of("i", String.valueOf(i))).id());
        }
        List<Session> sample = s.sample(10);
        assertThat(sample).isNotEmpty().hasSizeLessThanOrEqualTo(10);
        for (Session x : sample) {
            assertThat(s.load(x.id())).as("sampled session is live").isPresent();
        }
    }

    @Test
    void malformedIdsAndNamesAreRejectedAndTheStoreStaysUsable() {
        SessionStore s = store();
        for (String bad : List.of("", "a".repeat(65), "abcdefghijklmnopqrstu*", "abcdefghij klmnopqrstuv",
                "abcdefghijk\r\nlmnopqrstuv", "abcdefghijklmnopqrstuvé", "short")) {
            assertThatThrownBy(() -> s.load(SessionId.parse(bad)))
                    .isInstanceOf(StoreException.MalformedId.class).hasMessageContaining("session id");
        }
        assertThatThrownBy(() -> s.create("bad user", Map.of())).isInstanceOf(StoreException.MalformedId.class)
                .hasMessageContaining("user id");
        Session c = s.create(user(), Map.of());
        assertThatThrownBy(() -> s.setAttribute(c.id(), "bad\r\nname", "v"))
                .isInstanceOf(StoreException.MalformedId.class).hasMessageContaining("attribute name");
        assertThatThrownBy(() -> s.request(c.id(), List.of("x*"))).isInstanceOf(StoreException.MalformedId.class);
        assertThat(s.setAttribute(c.id(), "ok", "v")).isTrue();
        assertThat(s.attribute(c.id(), "ok")).contains("v");
    }

    @Test
    void oversizeSessionsAreRejectedAndNothingIsWritten() {
        SessionStore s = store(SessionPolicy.DEFAULT.withMaxSessionBytes(1000));
        String user = user();
        assertThatThrownBy(() -> s.create(user, Map.of("big", "x".repeat(2000))))
                .isInstanceOf(StoreException.TooLarge.class).hasMessageContaining("1000");
        assertThat(s.sessions(user)).isEmpty();
        Session c = s.create(user, Map.of("a", "x".repeat(600)));
        assertThatThrownBy(() -> s.setAttribute(c.id(), "b", "y".repeat(600)))
                .isInstanceOf(StoreException.TooLarge.class);
        assertThat(s.load(c.id()).orElseThrow().attributes()).isEqualTo(Map.of("a", "x".repeat(600)));
        assertThat(s.setAttribute(c.id(), "a", "z".repeat(900))).as("replacing a value counts only the new size").isTrue();
    }

    @Test
    void corruptStoredBytesGiveATypedErrorAndTheStoreStaysUsable() {
        List<RawWrites.Corruption> corruptions = RawWrites.corruptions(backend.layout());
        assumeTrue(!corruptions.isEmpty(), "the memory layout keeps objects, not bytes: nothing to corrupt");
        SessionStore s = store();
        Endpoints e = backend.endpoints();
        for (RawWrites.Corruption corruption : corruptions) {
            Session c = s.create(user(), Map.of("a", "1"));
            corruption.plant().accept(e, c.id());
            assertThatThrownBy(() -> s.load(c.id())).as(corruption.name())
                    .isInstanceOf(StoreException.Corrupt.class).hasMessageContaining(c.id().value());
            assertThat(s.invalidate(c.id())).isTrue();
            assertThat(s.load(c.id())).isEmpty();
        }
        Session fresh = s.create(user(), Map.of("a", "1"));
        assertThat(s.load(fresh.id())).isPresent();
    }

    @Test
    void aWrongPasswordIsReportedAsSuch() {
        assumeTrue(backend.hasPassword(), "this backend has no authentication");
        Endpoints wrong = backend.withWrongPassword(backend.endpoints());
        assertThatThrownBy(() -> {
            try (SessionStore s = backend.open(wrong, SessionPolicy.DEFAULT)) {
                s.load(SessionId.random());
            }
        }).isInstanceOf(StoreException.AuthenticationFailed.class).hasMessageContaining("credentials")
                .message().doesNotContain("wrong-");
    }

    interface Body {
        void run(int thread) throws Exception;
    }

    static void runTogether(int threads, Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    body.run(id);
                    return null;
                }));
            }
            ready.await();
            go.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
