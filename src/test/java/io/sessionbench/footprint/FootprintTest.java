package io.sessionbench.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.redis.KeyDesign;
import io.sessionbench.store.redis.RedisAcl;
import io.sessionbench.testing.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The footprint on real servers: the bytes a session costs grow with its size on every store; the encoding it names is
 * the server's own {@code OBJECT ENCODING} of a session of that size (a 128-byte hash a listpack, an 8 KB one a hash
 * table); a least-privilege ACL user gets the figures it may read and one line for each it may not.
 */
@ExtendWith(TestStack.class)
class FootprintTest {
    @TempDir
    Path dir;

    private static Footprint footprint(List<Layout> layouts, List<Integer> sizes, boolean own, ByteArrayOutputStream log) {
        java.util.Set<io.sessionbench.infra.LocalStack.Server> owned = own
                ? java.util.EnumSet.allOf(io.sessionbench.infra.LocalStack.Server.class) : java.util.Set.of();
        return new Footprint(new Footprint.Settings(layouts, sizes, 200, Footprint.Fill.RANDOM, 1_000_000, 10_000, owned),
                new PrintStream(log, true));
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"REDIS_HASH", "REDIS_JSON", "REDIS_BLOB", "MEMCACHED_BLOB", "POSTGRES"})
    void bytesPerSessionGrowWithTheSessionSize(Layout layout) {
        List<Footprint.Row> rows = footprint(List.of(layout), List.of(512, 8192), false, new ByteArrayOutputStream())
                .measure(TestStack.endpoints(), Map.of());
        assertThat(rows).hasSize(2);
        Footprint.Row small = rows.get(0);
        Footprint.Row large = rows.get(1);
        assertThat(small.sessionBytes()).isEqualTo(512);
        assertThat(large.bytesPerSession()).as(layout + ": 8 KB against 512 B per session").isGreaterThan(4 * small.bytesPerSession());
        // the server holds at least the attribute bytes (random filler: nothing to compress)
        assertThat(large.bytesPerSession()).isGreaterThanOrEqualTo(large.attributeBytes());
        assertThat(large.sampledMedian()).isGreaterThan(small.sampledMedian());
        // everything read (Postgres' CPU comes from /proc of its processes, none given here)
        assertThat(large.unread()).allMatch(u -> u.startsWith("server CPU not read") || u.contains("measured after an earlier size"));
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"REDIS_HASH", "REDIS_JSON", "REDIS_BLOB"})
    void theEncodingNamedIsTheServersOwn(Layout layout) {
        Endpoints e = TestStack.endpoints();
        for (int size : List.of(128, 8192)) {
            Footprint.Row row = footprint(List.of(layout), List.of(size), false, new ByteArrayOutputStream()).measure(e, Map.of()).get(0);
            try (SessionStore store = layout.open(e, Layout.StoreOptions.DEFAULT);
                 redis.clients.jedis.Jedis j = io.sessionbench.metrics.RedisServerView.connect(e.redisServer())) {
                Session s = store.create("encoding-check", Workload.attributes(1, size));
                String own = j.objectEncoding(KeyDesign.SESSION.sessionKey(layout.keyPrefix(), s.id()));
                store.invalidate(s.id());
                assertThat(row.encoding()).as(layout + " at " + size + " B").isEqualTo(own);
                if (layout == Layout.REDIS_HASH) {
                    // every field of a 128-byte session fits hash-max-listpack-value (64 bytes); an 8 KB cart does not
                    assertThat(own).isEqualTo(size == 128 ? "listpack" : "hashtable");
                }
            }
        }
    }

    @Test
    void memcachedNamesTheSlabClassesAndPostgresTheRowAndItsWal() {
        List<Footprint.Row> rows = footprint(List.of(Layout.MEMCACHED_BLOB, Layout.POSTGRES), List.of(2048), false, new ByteArrayOutputStream())
                .measure(TestStack.endpoints(), Map.of());
        assertThat(rows.get(0).encoding()).startsWith("slab class ");
        assertThat(rows.get(0).cpuMicrosPerRequest()).isPositive();
        assertThat(rows.get(1).encoding()).startsWith("heap row, attrs compression ");
        assertThat(rows.get(1).walBytesPerRequest()).as("a request renews the session: WAL").isPositive();
        // Postgres' CPU comes from /proc, and no pids were given: said, not guessed
        assertThat(rows.get(1).cpuMicrosPerRequest()).isNaN();
        assertThat(rows.get(1).unread()).anyMatch(u -> u.startsWith("server CPU not read"));
    }

    @Test
    void theListpackVariantRunsOnlyOnAServerThisRunStartedAndPutsTheSettingBack() throws Exception {
        Endpoints e = TestStack.endpoints();
        String before;
        try (redis.clients.jedis.Jedis j = io.sessionbench.metrics.RedisServerView.connect(e.redisServer())) {
            before = j.configGet("hash-max-listpack-value").get("hash-max-listpack-value");
        }
        assertThat(footprint(List.of(Layout.REDIS_HASH), List.of(2048), false, new ByteArrayOutputStream()).measure(e, Map.of()))
                .extracting(Footprint.Row::variant).containsExactly("");
        List<Footprint.Row> own = footprint(List.of(Layout.REDIS_HASH), List.of(2048), true, new ByteArrayOutputStream()).measure(e, Map.of());
        assertThat(own).hasSize(2);
        assertThat(own.get(0).encoding()).isEqualTo("hashtable");
        assertThat(own.get(1).encoding()).isEqualTo("listpack");
        assertThat(own.get(1).bytesPerSession()).isLessThan(own.get(0).bytesPerSession());
        try (redis.clients.jedis.Jedis j = io.sessionbench.metrics.RedisServerView.connect(e.redisServer())) {
            assertThat(j.configGet("hash-max-listpack-value").get("hash-max-listpack-value")).isEqualTo(before);
        }
    }

    @Test
    void theFillfactorVariantRunsOnlyOnAPostgresThisRunStartedLeavesRoomOnEachPageAndPutsTheSettingBack() throws Exception {
        Endpoints e = TestStack.endpoints();
        assertThat(footprint(List.of(Layout.POSTGRES), List.of(2048), false, new ByteArrayOutputStream()).measure(e, Map.of()))
                .extracting(Footprint.Row::variant).containsExactly("");
        String before = fillfactor(e); // the store made its table by now
        assertThat(before).isNotEqualTo("no table");
        // 512-byte sessions stay in the heap row (a 2 KB one goes to TOAST, where fillfactor does not apply)
        List<Footprint.Row> own = footprint(List.of(Layout.POSTGRES), List.of(512), true, new ByteArrayOutputStream()).measure(e, Map.of());
        assertThat(own).extracting(Footprint.Row::variant).containsExactly("", "fillfactor " + Footprint.FILLFACTOR);
        // a page filled to 70 % holds fewer rows: the heap, most of what the rows take, needs about 1/0.7 as many pages
        assertThat(own.get(1).bytesAfterWrite()).isGreaterThan(1.15 * own.get(0).bytesAfterWrite());
        assertThat(own.get(0).unread()).noneMatch(u -> u.contains("earlier size"));
        assertThat(own.get(1).unread()).noneMatch(u -> u.contains("earlier size"));
        assertThat(fillfactor(e)).as("the table's fillfactor put back").isEqualTo(before);
    }

    /** The session table's reloptions as Postgres keeps them (null: none set). */
    private static String fillfactor(Endpoints e) throws Exception {
        var pg = e.postgres();
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", pg.user());
        props.setProperty("password", pg.password().value());
        try (var c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), props); var st = c.createStatement();
             var rs = st.executeQuery("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'sessionbench_sessions'")) {
            return rs.next() ? rs.getString(1) : "no table";
        }
    }

    @Test
    void aLeastPrivilegeUserGetsWhatItMayReadAndOneLineForWhatNot() throws Exception {
        Endpoints e = TestStack.endpoints();
        Endpoints limited = Endpoints.NONE.withRedis(RedisAcl.createUser(e.redisServer(), Layout.REDIS_HASH));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Footprint fp = footprint(List.of(Layout.REDIS_HASH), List.of(2048), false, log);
        List<Footprint.Row> rows = fp.measure(limited, Map.of());
        Footprint.Row r = rows.get(0);
        assertThat(r.bytesPerSession()).as("INFO memory is allowed").isPositive();
        assertThat(r.sampledMedian()).isNaN();
        assertThat(r.unread()).hasSize(2).anyMatch(u -> u.startsWith("MEMORY USAGE refused")).anyMatch(u -> u.startsWith("OBJECT ENCODING refused"));
        String md = fp.write(rows, dir);
        assertThat(md).contains("not read").contains("redis-hash: MEMORY USAGE refused");
        assertThat(log.toString()).containsOnlyOnce("MEMORY USAGE refused");
        assertThat(md).doesNotContain(e.redisServer().password().value().isEmpty() ? "\u0000" : e.redisServer().password().value());
    }

    @Test
    void writesTheTablesTheCapacityAndTheFiles() throws Exception {
        Footprint fp = footprint(List.of(Layout.REDIS_BLOB), List.of(2048), false, new ByteArrayOutputStream());
        String md = fp.write(fp.measure(TestStack.endpoints(), Map.of(LocalStack.Server.REDIS, List.of())), dir);
        assertThat(md).contains("### 2 KB sessions").contains("### Servers needed for 1,000,000 sessions alive and 10,000 requests per second")
                .contains("Assumptions:");
        assertThat(dir.resolve("footprint.csv")).content().startsWith("layout,variant,session_bytes");
        assertThat(dir.resolve("footprint.json")).content().contains("\"bytesAfterWorkload\"").containsPattern("\"seconds\" *: *[0-9]");
    }
}
