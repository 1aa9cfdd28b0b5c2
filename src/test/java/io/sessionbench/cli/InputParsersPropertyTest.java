package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.gate.GateTarget;
import io.sessionbench.gate.TrialRunner;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.Durations;
import io.sessionbench.infra.HostPort;
import io.sessionbench.infra.PostgresTarget;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.SentinelTarget;
import io.sessionbench.scenario.ScenarioLoader;
import io.sessionbench.store.Layout;
import io.sessionbench.store.redis.ClusterSettings;
import io.sessionbench.store.redis.RedisClientKind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every parser of user input on generated and mutated input (jqwik, seeded, a bounded number of tries): what is valid
 * parses to a value that prints back to an equivalent input; anything else is refused with a {@link ConfigException}
 * of one line that names what it refuses, never another exception (a stack trace), never the password.
 */
class InputParsersPropertyTest {
    private static final String SEED = "20261206";

    /** Parses, or refuses in one line without {@code secret}; any other exception fails the property. */
    private static <T> T parsesOrRefuses(String input, Supplier<T> parse, String secret) {
        try {
            return parse.get();
        } catch (ConfigException e) {
            assertThat(e.getMessage()).as("one line for input %s", input).doesNotContain("\n").isNotBlank();
            if (secret != null && secret.length() >= 4) {
                assertThat(e.getMessage()).as("the password stays out of the message").doesNotContain(secret);
            }
            return null;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Provide
    Arbitrary<String> hosts() {
        return Arbitraries.oneOf(Arbitraries.of("127.0.0.1", "localhost", "10.0.0.5", "db-1.example.org"),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> passwords() {
        return Arbitraries.strings().ascii().ofMinLength(4).ofMaxLength(20).filter(p -> p.chars().noneMatch(Character::isISOControl));
    }

    /** A valid Redis URI parses to its parts, and its printed form (with the secret) parses to the same target. */
    @Property(tries = 200, seed = SEED)
    void aValidRedisUriRoundTrips(@ForAll("hosts") String host, @ForAll("passwords") String password,
                                  @ForAll("ports") int port, @ForAll("databases") int db, @ForAll boolean tls) {
        String uri = (tls ? "rediss" : "redis") + "://app:" + enc(password) + "@" + host + ":" + port + "/" + db;
        RedisTarget t = RedisTarget.parse(uri);
        assertThat(t.host()).isEqualTo(host);
        assertThat(t.port()).isEqualTo(port);
        assertThat(t.password().value()).isEqualTo(password);
        assertThat(t.database()).isEqualTo(db);
        assertThat(RedisTarget.parse(t.withSecret())).isEqualTo(t);
        assertThat(t.redacted()).doesNotContain(enc(password));
    }

    @Provide
    Arbitrary<Integer> ports() {
        return Arbitraries.integers().between(1, 65535);
    }

    @Provide
    Arbitrary<Integer> databases() {
        return Arbitraries.integers().between(0, 15);
    }

    /** Mutated Redis, Sentinel and Postgres URIs (characters dropped, added or replaced after the password). */
    @Property(tries = 400, seed = SEED)
    void aMutatedTargetUriParsesOrIsRefusedInOneLineWithoutItsPassword(@ForAll("passwords") String password,
                                                                        @ForAll("mutations") List<int[]> edits, @ForAll("schemes") String scheme) {
        String prefix = scheme + "://app:" + enc(password) + "@";
        String rest = switch (scheme) {
            case "redis-sentinel" -> "127.0.0.1:26379,127.0.0.1:26380/mymaster";
            case "postgresql" -> "127.0.0.1:5432/app";
            default -> "127.0.0.1:6379/0";
        };
        String mutated = prefix + mutate(rest, edits);
        parsesOrRefuses(mutated, () -> switch (scheme) {
            case "redis-sentinel" -> SentinelTarget.parse(mutated);
            case "postgresql" -> PostgresTarget.parse(mutated, null, null);
            default -> RedisTarget.parse(mutated);
        }, password);
    }

    @Provide
    Arbitrary<String> schemes() {
        return Arbitraries.of("redis", "rediss", "redis-sentinel", "postgresql");
    }

    /** Each edit: {position, kind (0 drop, 1 insert, 2 replace), character}. */
    @Provide
    Arbitrary<List<int[]>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 60), Arbitraries.integers().between(0, 2),
                Arbitraries.chars().ascii()).as((at, kind, c) -> new int[] {at, kind, c}).list().ofMinSize(1).ofMaxSize(4);
    }

    private static String mutate(String s, List<int[]> edits) {
        StringBuilder b = new StringBuilder(s);
        for (int[] e : edits) {
            int at = Math.min(e[0], b.length());
            switch (e[1]) {
                case 0 -> {
                    if (at < b.length()) {
                        b.deleteCharAt(at);
                    }
                }
                case 1 -> b.insert(at, (char) e[2]);
                default -> {
                    if (at < b.length()) {
                        b.setCharAt(at, (char) e[2]);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Any text at all given as a target: a value or one line, for every scheme's parser. */
    @Property(tries = 300, seed = SEED)
    void anyTextAsATargetParsesOrIsRefusedInOneLine(@ForAll String text) {
        parsesOrRefuses(text, () -> RedisTarget.parse(text), null);
        parsesOrRefuses(text, () -> SentinelTarget.parse(text), null);
        parsesOrRefuses(text, () -> PostgresTarget.parse(text, null, null), null);
        parsesOrRefuses(text, () -> HostPort.parseList("Memcached target", text, 11211), null);
    }

    /** host:port lists print back to themselves. */
    @Property(tries = 200, seed = SEED)
    void aHostPortListRoundTrips(@ForAll("hostPorts") List<String> parts) {
        String text = String.join(",", parts);
        List<HostPort> parsed = HostPort.parseList("Memcached target", text, 11211);
        assertThat(String.join(",", parsed.stream().map(HostPort::toString).toList())).isEqualTo(text);
    }

    @Provide
    Arbitrary<List<String>> hostPorts() {
        return Combinators.combine(hosts(), ports()).as((h, p) -> h + ":" + p).list().ofMinSize(1).ofMaxSize(4);
    }

    /** Durations: a number and a unit is that many milliseconds; anything else is refused naming the option. */
    @Property(tries = 300, seed = SEED)
    void durationsParseToTheirMillisecondsOrAreRefused(@ForAll("durationValues") int value, @ForAll("units") String unit,
                                                       @ForAll String junk) {
        long factor = switch (unit) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        assertThat(Durations.of("--budget", value + unit).toMillis()).isEqualTo(value * factor);
        java.time.Duration d = parsesOrRefuses(junk, () -> Durations.of("--budget", junk), null);
        if (d == null) {
            assertThatRefusal(() -> Durations.of("--budget", junk)).contains("--budget");
        }
    }

    private static org.assertj.core.api.AbstractStringAssert<?> assertThatRefusal(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return assertThat(e.getMessage());
        }
        throw new AssertionError("not refused");
    }

    @Provide
    Arbitrary<Integer> durationValues() {
        return Arbitraries.integers().between(0, 10_000);
    }

    @Provide
    Arbitrary<String> units() {
        return Arbitraries.of("ms", "s", "m", "h");
    }

    /** Percentages: (0, 100] with or without %; anything else refused naming the option. */
    @Property(tries = 300, seed = SEED)
    void percentagesParseOrAreRefused(@ForAll("percents") double p, @ForAll boolean sign, @ForAll String junk) {
        String text = (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + (sign ? "%" : "");
        assertThat(TrialRunner.percent("--head-slowdown", text)).isEqualTo(p);
        Double v = parsesOrRefuses(junk, () -> TrialRunner.percent("--head-slowdown", junk), null);
        assertThat(v == null || v > 0 && v <= 100).as(junk).isTrue();
    }

    @Provide
    Arbitrary<Double> percents() {
        return Arbitraries.doubles().between(0.5, 100).ofScale(1);
    }

    /** Gate benchmark specs: every operation and target parses to itself; mutations parse or are refused in one line. */
    @Property(tries = 300, seed = SEED)
    void gateBenchmarkSpecsParseOrAreRefused(@ForAll("operations") String op, @ForAll Layout layout, @ForAll RedisClientKind client,
                                             @ForAll("mutations") List<int[]> edits) {
        String target = layout.usesRedisClient() ? layout.label() + "/" + client.label() : layout.label();
        GateTarget g = GateTarget.parse(op + ":" + target);
        assertThat(g.operation()).isEqualTo(op);
        assertThat(g.target().label()).isEqualTo(target);
        String mutated = mutate(op + ":" + target, edits);
        parsesOrRefuses(mutated, () -> GateTarget.parse(mutated), null);
    }

    @Provide
    Arbitrary<String> operations() {
        return Arbitraries.of("request", "load", "readAttribute", "updateAttribute", "touch", "create");
    }

    /** --cluster-client settings print back to settings that parse to the same; mutations parse or are refused. */
    @Property(tries = 300, seed = SEED)
    void clusterClientSettingsRoundTrip(@ForAll("refresh") int refresh, @ForAll boolean adaptive, @ForAll("attempts") int attempts,
                                        @ForAll boolean replica, @ForAll("mutations") List<int[]> edits) {
        String text = "refresh=" + refresh + "s,adaptive=" + (adaptive ? "on" : "off") + ",attempts=" + attempts
                + ",read-from=" + (replica ? "replica" : "primary");
        ClusterSettings s = ClusterSettings.parse(text);
        assertThat(ClusterSettings.parse(s.text())).isEqualTo(s);
        String mutated = mutate(text, edits);
        parsesOrRefuses(mutated, () -> ClusterSettings.parse(mutated), null);
    }

    @Provide
    Arbitrary<Integer> refresh() {
        return Arbitraries.integers().between(1, 600);
    }

    @Provide
    Arbitrary<Integer> attempts() {
        return Arbitraries.integers().between(1, 20);
    }

    /** Kubernetes quantities (--cpu, --memory of 'k8s job'): generated ones keep their amount; any text parses or is refused. */
    @Property(tries = 300, seed = SEED)
    void kubernetesQuantitiesParseOrAreRefused(@ForAll("amounts") int amount, @ForAll("suffixes") String suffix, @ForAll String junk) {
        io.fabric8.kubernetes.api.model.Quantity q = io.sessionbench.k8s.K8sJob.quantity("--memory", amount + suffix);
        assertThat(io.sessionbench.k8s.K8sJob.quantity("--memory", q.toString()).getNumericalAmount())
                .isEqualByComparingTo(q.getNumericalAmount());
        var v = parsesOrRefuses(junk, () -> io.sessionbench.k8s.K8sJob.quantity("--cpu", junk), null);
        assertThat(v == null || v.getNumericalAmount().signum() > 0).isTrue();
    }

    @Provide
    Arbitrary<Integer> amounts() {
        return Arbitraries.integers().between(1, 100_000);
    }

    @Provide
    Arbitrary<String> suffixes() {
        return Arbitraries.of("", "m", "k", "M", "G", "Ki", "Mi", "Gi");
    }

    /** A shipped scenario, mutated, loads or is refused in one line naming the file; so does any text. */
    @Property(tries = 150, seed = SEED)
    void mutatedScenarioFilesLoadOrAreRefusedInOneLine(@ForAll("scenarioEdits") List<int[]> edits, @ForAll String text) throws Exception {
        Path dir = Files.createTempDirectory("scenario-property");
        try {
            Path f = dir.resolve("mutated.yaml");
            Files.writeString(f, mutate(Files.readString(Path.of("scenarios", "auth-read-heavy.yaml")), edits));
            parsesOrRefuses(f.toString(), () -> ScenarioLoader.load(f), null);
            Path g = dir.resolve("any.yaml");
            Files.writeString(g, text);
            parsesOrRefuses(g.toString(), () -> ScenarioLoader.load(g), null);
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Provide
    Arbitrary<List<int[]>> scenarioEdits() {
        return Combinators.combine(Arbitraries.integers().between(0, 4000), Arbitraries.integers().between(0, 2),
                Arbitraries.of((int) ':', (int) ' ', (int) '-', (int) '\n', (int) '#', (int) 'x', (int) '9', (int) '[', (int) '{', (int) '%'))
                .as((at, kind, c) -> new int[] {at, kind, c}).list().ofMinSize(1).ofMaxSize(6);
    }
}
