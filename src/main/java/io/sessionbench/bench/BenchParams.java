package io.sessionbench.bench;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.Workload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.redis.RedisClientKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The allowed values of every JMH parameter of the session benchmarks, checked in one place: by the jar's entry
 * point on {@code -p name=v1,v2} before JMH starts (so a bad value exits 2 whatever {@code -foe} says), and by the
 * states at trial setup (for values given any other way).
 */
public final class BenchParams {
    public static final int MAX_LIVE_SESSIONS = 10_000_000;
    public static final int MAX_SESSION_BYTES = 1_500_000;

    /**
     * The forked benchmark JVMs' heap and collector, as on {@code SessionOps}' {@code @Fork} (options given to JMH's
     * runner replace the annotation's, so the bench command and the gate's trials pass them again): a fixed heap and
     * the throughput collector, so heap growth never happens during measurement.
     */
    public static final java.util.List<String> FORK_JVM = java.util.List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC");

    /**
     * The system property a fork opens its Redis Cluster clients with ({@code bench --cluster-client}); for plain JMH:
     * {@code -jvmArgsAppend -Dsessionbench.cluster-client=refresh=10s}. The key design is the {@code keys} parameter.
     */
    public static final String CLUSTER_CLIENT_PROPERTY = "sessionbench.cluster-client";

    private BenchParams() {
    }

    /**
     * The store options of a fork: {@code base} with the key design (the {@code keys} parameter, so it is in jmh.json
     * and in the histogram names) and the cluster settings of the system property.
     */
    public static io.sessionbench.store.Layout.StoreOptions withRedisChoices(io.sessionbench.store.Layout.StoreOptions base, String keys) {
        return base.withKeys(io.sessionbench.store.redis.KeyDesign.of(keys))
                .withCluster(io.sessionbench.store.redis.ClusterSettings.parse(System.getProperty(CLUSTER_CLIENT_PROPERTY, "")));
    }

    /** Throws a one-line {@link ConfigException} when {@code value} is not allowed for parameter {@code name}. */
    public static void check(String name, String value) {
        switch (name) {
            case "layout" -> Layout.of(value);
            case "client" -> RedisClientKind.of(value);
            case "keys" -> io.sessionbench.store.redis.KeyDesign.of(value);
            case "sessionBytes" -> integer(name, value, 1, MAX_SESSION_BYTES);
            case "liveSessions" -> integer(name, value, 1, MAX_LIVE_SESSIONS);
            case "inFlight" -> integer(name, value, 1, InFlight.MAX);
            case "distribution" -> {
                Workload.Distribution d = Workload.Distribution.of(value);
                if (d == Workload.Distribution.HOTSPOT) {
                    throw new ConfigException("-p distribution=hotspot is for scenario files; use uniform or zipfian");
                }
            }
            case "updates" -> {
                try {
                    Scenario.Updates.of(value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("-p " + e.getMessage());
                }
            }
            default -> {
                // not one of ours: JMH reports unknown parameters itself
            }
        }
    }

    private static void integer(String name, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("-p " + name + "=" + value + " is not a whole number; use " + min + " to " + max);
        }
        if (v < min || v > max) {
            throw new ConfigException(String.format(Locale.ROOT, "-p %s=%s is out of range; use %,d to %,d", name, value, min, max));
        }
    }

    /**
     * The problems with the {@code -p name=v1,v2} options of a JMH command line, one line each (empty when none).
     */
    public static List<String> problems(String[] jmhArgs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < jmhArgs.length; i++) {
            String a = jmhArgs[i];
            String spec = a.equals("-p") && i + 1 < jmhArgs.length ? jmhArgs[++i] : a.startsWith("-p") && a.contains("=") && !a.startsWith("-prof") ? a.substring(2) : null;
            if (spec == null || !spec.contains("=")) {
                continue;
            }
            String name = spec.substring(0, spec.indexOf('='));
            for (String v : spec.substring(spec.indexOf('=') + 1).split(",")) {
                try {
                    check(name, v);
                } catch (ConfigException | IllegalArgumentException e) {
                    out.add(e.getMessage());
                }
            }
        }
        return out;
    }
}
