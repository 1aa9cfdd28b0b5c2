package io.sessionbench.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.store.Layout;
import io.sessionbench.store.redis.RedisClientKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a scenario file and rejects anything wrong with one line that names the file, the key, what is wrong and
 * what is allowed: unknown keys, wrong types, weights that do not add up to 100, negative rates, unknown layouts.
 */
public final class ScenarioLoader {

    private ScenarioLoader() {
    }

    private static ObjectMapper mapper() {
        SimpleModule durations = new SimpleModule();
        durations.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = p.getValueAsString();
                return io.sessionbench.infra.Durations.parse(text).orElseThrow(() -> InvalidFormatException.from(p,
                        "must be a duration such as " + io.sessionbench.infra.Durations.EXAMPLES, text, Duration.class));
            }
        });
        // Layouts and clients are read through their enums, so an unknown one is refused with the enum's own sentence.
        durations.addDeserializer(Layout.class, new JsonDeserializer<>() {
            @Override
            public Layout deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return named(p, Layout.class, Layout::of);
            }
        });
        durations.addDeserializer(RedisClientKind.class, new JsonDeserializer<>() {
            @Override
            public RedisClientKind deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return named(p, RedisClientKind.class, RedisClientKind::of);
            }
        });
        YAMLFactory yaml = new YAMLFactory();
        yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return new ObjectMapper(yaml).registerModule(durations)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /** A value read through {@code of}; its refusal becomes a mapping error that names the key ({@link #load}). */
    private static <T> T named(JsonParser p, Class<T> type, java.util.function.Function<String, T> of) throws IOException {
        String text = p.getValueAsString();
        try {
            return of.apply(text);
        } catch (ConfigException e) {
            throw InvalidFormatException.from(p, e.getMessage(), text, type);
        }
    }

    /** Largest scenario file read: a scenario is a page of YAML, and a huge one is a mistake, refused before parsing. */
    public static final long MAX_FILE_BYTES = 1L << 20;
    /** Most sessions a scenario may preload (users × sessionsPerUser). */
    public static final long MAX_SESSIONS = 5_000_000;
    /** Most bytes a scenario may preload on the server (sessions × sessionBytes.max). */
    public static final long MAX_PRELOAD_BYTES = 8L << 30;
    /** Most worker threads (and pooled connections) of one run. */
    public static final int MAX_CONNECTIONS = 1024;

    public static Scenario load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no such scenario file; see scenarios/ for the shipped ones");
        }
        Scenario raw;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(String.format(java.util.Locale.ROOT, "%s: the file is %.1f MB; scenario files are "
                        + "limited to %d KB (see scenarios/ for examples)", file, size / 1048576.0, MAX_FILE_BYTES / 1024));
            }
            if (Files.readString(file).lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                throw new ConfigException(file + ": the file is empty; a scenario needs at least name, layouts, mix, rate "
                        + "and duration (see scenarios/auth-read-heavy.yaml)");
            }
            raw = mapper().readValue(file.toFile(), Scenario.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file + ": unknown key '" + path(e, true) + "'; allowed here: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
        } catch (InvalidFormatException e) {
            String why = e.getOriginalMessage().split("\n")[0];
            throw new ConfigException(why.startsWith("unknown") ? file + ": key '" + path(e, false) + "': " + why
                    : file + ": key '" + path(e, false) + "' has value '" + e.getValue() + "', which "
                    + (why.startsWith("must") ? why : "is not " + expected(e.getTargetType())));
        } catch (MismatchedInputException e) {
            throw new ConfigException(file + ": key '" + path(e, false) + "' must be " + expected(e.getTargetType()));
        } catch (JsonProcessingException e) {
            Matcher dup = Pattern.compile("Duplicate field '([^']*)'").matcher(String.valueOf(e.getOriginalMessage()));
            if (dup.find()) {
                throw new ConfigException(file + ": key '" + dup.group(1) + "' appears twice (second at line "
                        + e.getLocation().getLineNr() + "); keep one");
            }
            throw new ConfigException(file + ": not valid YAML at line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage().split("\n")[0]);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException(file + ": not a text file (not UTF-8): a scenario is a YAML file such as "
                    + "scenarios/auth-read-heavy.yaml");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (raw == null) {
            throw new ConfigException(file + ": the file is empty; see scenarios/auth-read-heavy.yaml for an example");
        }
        return validate(file, withDefaults(raw));
    }

    private static String path(JsonMappingException e, boolean includeLast) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference r : e.getPath()) {
            parts.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
        }
        return String.join(".", parts).replace(".[", "[");
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == int.class || type == Integer.class || type == long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == Duration.class) {
            return "a duration such as 500ms, 30s, 2m";
        }
        if (type == List.class) {
            return "a list";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                try {
                    var json = type.getField(((Enum<?>) c).name()).getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
                    names.add(json != null ? json.value() : c instanceof io.sessionbench.metrics.Operation op ? op.label() : String.valueOf(c));
                } catch (NoSuchFieldException ex) {
                    names.add(String.valueOf(c));
                }
            }
            return "one of " + String.join(", ", names);
        }
        if (type == String.class) {
            return "a text";
        }
        return "a " + type.getSimpleName().toLowerCase() + " mapping";
    }

    private static Scenario withDefaults(Scenario s) {
        Scenario.Users users = s.users() == null ? new Scenario.Users(10_000, 1, Workload.Distribution.UNIFORM, 0, 0) : s.users();
        if (users.distribution() == null) {
            users = new Scenario.Users(users.count(), users.sessionsPerUser(), Workload.Distribution.UNIFORM, users.hotFraction(), users.hotShare());
        }
        if (users.sessionsPerUser() == 0) {
            users = new Scenario.Users(users.count(), 1, users.distribution(), users.hotFraction(), users.hotShare());
        }
        return new Scenario(s.name(), s.description() == null ? "" : s.description(), s.layouts(),
                s.clients() == null || s.clients().isEmpty() ? List.of(RedisClientKind.LETTUCE) : s.clients(), s.mix(),
                s.sessionBytes() == null ? new Scenario.Sizes(2048, 2048) : s.sessionBytes(), users, s.rate(),
                s.arrivals() == null ? Scenario.Arrivals.CONSTANT : s.arrivals(), s.connections() == null ? 16 : s.connections(),
                s.duration(), s.warmup() == null ? Duration.ofSeconds(5) : s.warmup(),
                s.ttl() == null ? new Scenario.Ttl(Duration.ofMinutes(30), Duration.ZERO)
                        : new Scenario.Ttl(s.ttl().idle() == null ? Duration.ofMinutes(30) : s.ttl().idle(),
                        s.ttl().absolute() == null ? Duration.ZERO : s.ttl().absolute()),
                s.updates() == null ? Scenario.Updates.SAFE : s.updates(),
                (s.objective() == null ? new Scenario.Objective(Duration.ofMillis(10)) : s.objective()).withDefaults(),
                s.faults() == null ? List.of() : s.faults().stream().map(ScenarioLoader::withDefaults).toList(), s.durability());
    }

    private static Scenario.Fault withDefaults(Scenario.Fault f) {
        if (f == null) {
            return null;
        }
        Duration length = f.length() != null ? f.length() : f.kind() == Scenario.FaultKind.RESTART ? Duration.ofSeconds(1) : Duration.ofSeconds(2);
        return new Scenario.Fault(f.at(), f.kind(), f.server() == null ? "redis" : f.server(), length,
                f.slots() == null && f.kind() == Scenario.FaultKind.RESHARD ? Integer.valueOf(100) : f.slots());
    }

    private static Scenario validate(Path f, Scenario s) {
        require(f, "name", s.name() != null && s.name().matches("[A-Za-z0-9._-]+"), "is required: letters, digits, . _ -");
        require(f, "layouts", s.layouts() != null && !s.layouts().isEmpty(), "is required: a list such as [redis-hash, postgres]");
        require(f, "layouts", s.layouts().stream().noneMatch(java.util.Objects::isNull), "has an empty entry; name a layout such as redis-hash in each");
        require(f, "clients", s.clients().stream().noneMatch(java.util.Objects::isNull), "has an empty entry; name a client such as lettuce in each");
        require(f, "mix", s.mix() != null && !s.mix().isEmpty(), "is required: weights per operation, e.g. {request: 90, updateAttribute: 10}");
        double sum = 0;
        for (Map.Entry<io.sessionbench.metrics.Operation, Double> e : s.mix().entrySet()) {
            require(f, "mix." + e.getKey().label(), e.getValue() != null && e.getValue() >= 0, "must be a weight of 0 or more");
            sum += e.getValue();
        }
        require(f, "mix", Math.abs(sum - 100) < 1e-6, "weights add up to " + trim(sum) + "; they must add up to 100");
        require(f, "sessionBytes.min", s.sessionBytes().min() >= 0, "must be 0 or more");
        require(f, "sessionBytes.max", s.sessionBytes().max() >= s.sessionBytes().min() && s.sessionBytes().max() <= 1_500_000,
                "must be between sessionBytes.min and 1500000");
        require(f, "users.count", s.users().count() >= 1, "must be 1 or more");
        require(f, "users.sessionsPerUser", s.users().sessionsPerUser() >= 1 && s.users().sessionsPerUser() <= 3,
                "must be 1 to 3 (the per-user cap)");
        if (s.users().distribution() == Workload.Distribution.HOTSPOT) {
            require(f, "users.hotFraction", s.users().hotFraction() > 0 && s.users().hotFraction() < 1, "must be between 0 and 1 for hotspot keys");
            require(f, "users.hotShare", s.users().hotShare() > 0 && s.users().hotShare() <= 1, "must be between 0 and 1 for hotspot keys");
        }
        require(f, "rate", s.rate() != null, "is required: {target: 2000} or a sweep {from: 1000, to: 20000, step: 1000}");
        Scenario.Rate r = s.rate();
        if (r.isSweep()) {
            require(f, "rate.target", r.target() == 0, "must be a positive number of requests per second");
            require(f, "rate.from", r.from() > 0, "must be a positive number of requests per second");
            require(f, "rate.to", r.to() >= r.from(), "must be at least rate.from");
            require(f, "rate.step", r.step() > 0, "must be a positive number of requests per second");
        } else {
            require(f, "rate.from", r.from() == 0 && r.to() == 0 && r.step() == 0, "cannot be combined with rate.target");
        }
        require(f, "connections", s.connections() >= 1 && s.connections() <= MAX_CONNECTIONS,
                "is " + s.connections() + "; must be 1 to " + MAX_CONNECTIONS);
        require(f, "duration", s.duration() != null && s.duration().toMillis() >= 1000, "is required: a duration of 1s or more, such as 30s");
        require(f, "objective.p99", s.objective().p99() != null && !s.objective().p99().isZero(), "must be a duration such as 5ms");
        require(f, "objective.errors", s.objective().errors() >= 0 && s.objective().errors() <= 100,
                "must be a percentage of the scheduled requests, 0 to 100, such as 1");
        require(f, "objective.late", s.objective().late() >= 0 && s.objective().late() <= 100,
                "must be a percentage of the scheduled requests, 0 to 100, such as 5");
        for (int i = 0; i < s.faults().size(); i++) {
            checkFault(f, "faults[" + i + "]", s.faults().get(i), s);
        }
        if (!s.faults().isEmpty()) {
            checkLossCount(f, s);
        }
        if (s.durability() != null) {
            String a = s.durability().appendfsync();
            require(f, "durability.appendfsync", a == null || List.of("off", "everysec", "always").contains(a), "must be off, everysec or always");
            Integer m = s.durability().minReplicasToWrite();
            require(f, "durability.minReplicasToWrite", m == null || (m >= 0 && m <= 2), "must be 0, 1 or 2");
            Integer w = s.durability().waitReplicas();
            require(f, "durability.waitReplicas", w == null || (w >= 0 && w <= 2), "must be 0, 1 or 2");
        }
        checkResources(f.toString(), s, s.connections());
        return s;
    }

    /**
     * A scenario with faults counts the acknowledged sessions lost; refused before anything starts when its own settings
     * would make sessions vanish without a fault: an idle or absolute TTL shorter than the run (warm-up and duration),
     * or several sessions per user with logins in the mix, where the per-user cap evicts a slot's current session.
     */
    private static void checkLossCount(Path f, Scenario s) {
        Duration run = s.warmup().plus(s.duration());
        require(f, "ttl.idle", s.ttl().idle().compareTo(run) > 0, "is " + s.ttl().idle().toMillis() + " ms, shorter than the run ("
                + run.toMillis() + " ms of warm-up and duration): sessions not touched would expire and count as lost to the fault; "
                + "use an idle TTL longer than the run, such as 30m");
        require(f, "ttl.absolute", s.ttl().absolute().isZero() || s.ttl().absolute().compareTo(run) > 0, "is "
                + s.ttl().absolute().toMillis() + " ms, shorter than the run (" + run.toMillis() + " ms): sessions would reach it and "
                + "count as lost to the fault; use 0s (none) or a lifetime longer than the run");
        int cap = io.sessionbench.store.SessionPolicy.DEFAULT.maxSessionsPerUser();
        require(f, "users.sessionsPerUser", s.users().sessionsPerUser() == 1 || s.mix().getOrDefault(io.sessionbench.metrics.Operation.CREATE, 0.0) == 0,
                "is " + s.users().sessionsPerUser() + " with logins (create) in the mix: a user's logins reach the per-user cap of "
                + cap + " and evict another of the user's current sessions, which the loss count would take for a lost session; "
                + "use 1 in a scenario with faults");
    }

    private static void checkFault(Path f, String key, Scenario.Fault fault, Scenario s) {
        require(f, key, fault != null && fault.kind() != null && fault.at() != null,
                "needs at least {at: <duration into the measurement>, kind: failover|kill-primary|restart|reshard|pause|stall}");
        require(f, key + ".at", !fault.at().isNegative() && fault.at().compareTo(s.duration()) < 0,
                "is " + fault.at().toMillis() + " ms; it must fall inside the measurement (0 to " + s.duration().toMillis() + " ms)");
        require(f, key + ".server", List.of("redis", "memcached", "postgres").contains(fault.server()), "must be redis, memcached or postgres");
        boolean anyServer = fault.kind() == Scenario.FaultKind.RESTART || fault.kind() == Scenario.FaultKind.STALL;
        require(f, key + ".server", anyServer || fault.server().equals("redis"),
                "is " + fault.server() + ", but " + fault.kind().label() + " is a Redis fault; memcached and postgres take restart and stall");
        require(f, key + ".for", !fault.length().isNegative() && fault.length().toMillis() <= 60_000, "must be 0 to 60s");
        if (fault.kind() == Scenario.FaultKind.RESHARD) {
            require(f, key + ".slots", fault.slots() >= 1 && fault.slots() <= 16_384, "must be 1 to 16384");
        }
        require(f, "rate", !s.rate().isSweep(), "must be a fixed rate ({target: …}) in a scenario with faults: a sweep would "
                + "fire them at every step");
    }

    /**
     * The resources a run of {@code s} with {@code connections} workers needs, checked before anything starts:
     * sessions and preload bytes against the documented limits, and the generator's own memory (per session: its id
     * and size; per worker and session: the increment counts, when the mix increments) against this JVM's heap.
     */
    public static void checkResources(String where, Scenario s, int connections) {
        long sessions = (long) s.users().count() * s.users().sessionsPerUser();
        if (sessions > MAX_SESSIONS) {
            throw new ConfigException(String.format(java.util.Locale.ROOT, "%s: users.count × users.sessionsPerUser is %,d "
                    + "sessions; at most %,d can be preloaded", where, sessions, MAX_SESSIONS));
        }
        long preload = sessions * s.sessionBytes().max();
        if (preload > MAX_PRELOAD_BYTES) {
            throw new ConfigException(String.format(java.util.Locale.ROOT, "%s: preloading %,d sessions of up to %,d bytes is "
                    + "%.1f GB; the limit is %d GB: use fewer users or smaller sessions", where, sessions,
                    s.sessionBytes().max(), preload / 1073741824.0, MAX_PRELOAD_BYTES >> 30));
        }
        boolean increments = s.mix().getOrDefault(io.sessionbench.metrics.Operation.INCREMENT, 0.0) > 0;
        long heapNeed = sessions * 128 + (increments ? sessions * 12L * connections : 0) + connections * 2L * 1024 * 1024;
        long heap = Runtime.getRuntime().maxMemory();
        if (heapNeed > heap * 6 / 10) {
            throw new ConfigException(String.format(java.util.Locale.ROOT, "%s: %,d sessions × %d workers need about %,d MB of "
                    + "generator heap, more than 60 %% of the %,d MB this JVM may use; use fewer users or connections, or "
                    + "a larger -Xmx", where, sessions, connections, heapNeed >> 20, heap >> 20));
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static void require(Path f, String key, boolean ok, String problem) {
        if (!ok) {
            throw new ConfigException(f + ": key '" + key + "' " + problem);
        }
    }

    /** Keeps the op weights in declaration order for building a request schedule. */
    public static Map<io.sessionbench.metrics.Operation, Double> weights(Scenario s) {
        return new EnumMap<>(s.mix());
    }
}
