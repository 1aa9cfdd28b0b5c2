package io.sessionbench.store.redis;

import io.sessionbench.infra.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client settings that decide how a Redis Cluster client follows the slot map, made explicit and settable
 * ({@code --cluster-client refresh=10s,adaptive=on,attempts=5,read-from=replica}). An unset value keeps the client
 * library's own default, and {@link #describe} says which default that is, so {@code env.json} names every setting a
 * figure was measured with.
 *
 * @param refresh     periodic topology refresh: Lettuce {@code enablePeriodicRefresh}, Jedis
 *                    {@code topologyRefreshPeriod}, Redisson {@code scanInterval}; null keeps the default
 * @param adaptive    Lettuce adaptive refresh triggers (MOVED, ASK, reconnects); null keeps the default (off)
 * @param attempts    Jedis {@code maxAttempts}, Lettuce {@code maxRedirects}, Redisson {@code retryAttempts}; null keeps
 *                    Jedis's and Lettuce's default (5) and our Redisson setting (0, failures surface at once)
 * @param readReplica reads from replicas (Lettuce {@code REPLICA_PREFERRED}, Redisson {@code ReadMode.SLAVE}); Jedis
 *                    always reads primaries
 */
public record ClusterSettings(Duration refresh, Boolean adaptive, Integer attempts, boolean readReplica) {
    public static final ClusterSettings DEFAULT = new ClusterSettings(null, null, null, false);

    /** Parses {@code key=value,…}; empty text is {@link #DEFAULT}. */
    public static ClusterSettings parse(String text) {
        ClusterSettings s = DEFAULT;
        if (text == null || text.isBlank()) {
            return s;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part.trim() : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : part.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
            s = switch (key) {
                case "refresh" -> new ClusterSettings(duration(value), s.adaptive, s.attempts, s.readReplica);
                case "adaptive" -> new ClusterSettings(s.refresh, onOff(key, value), s.attempts, s.readReplica);
                case "attempts" -> new ClusterSettings(s.refresh, s.adaptive, attempts(value), s.readReplica);
                case "read-from" -> new ClusterSettings(s.refresh, s.adaptive, s.attempts, switch (value) {
                    case "primary", "master" -> false;
                    case "replica" -> true;
                    default -> throw bad("read-from=" + value + " must be primary or replica");
                });
                default -> throw bad("unknown key '" + key + "'");
            };
        }
        return s;
    }

    private static ConfigException bad(String what) {
        return new ConfigException("cluster client setting " + what + "; use refresh=<seconds>s|off, adaptive=on|off, "
                + "attempts=<1-100>, read-from=primary|replica, e.g. refresh=10s,adaptive=on");
    }

    private static Duration duration(String v) {
        if (v.equals("off") || v.equals("0") || v.equals("0s")) {
            return Duration.ZERO;
        }
        // A bare number is seconds; otherwise the one duration grammar (10s, 1m), in whole seconds.
        Duration d = v.matches("\\d{1,9}") ? Duration.ofSeconds(Long.parseLong(v)) : io.sessionbench.infra.Durations.parse(v)
                .orElseThrow(() -> bad("refresh=" + v + " is not a number of seconds"));
        if (d.toMillis() % 1000 != 0 || d.getSeconds() < 1 || d.getSeconds() > 3600) {
            throw bad("refresh=" + v + " is out of range (1-3600 s)");
        }
        return d;
    }

    private static Boolean onOff(String key, String v) {
        return switch (v) {
            case "on", "true", "yes" -> Boolean.TRUE;
            case "off", "false", "no" -> Boolean.FALSE;
            default -> throw bad(key + "=" + v + " must be on or off");
        };
    }

    private static Integer attempts(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > 100) {
                throw bad("attempts=" + v + " is out of range (1-100)");
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad("attempts=" + v + " is not a whole number");
        }
    }

    /** The settings text that {@link #parse} reads back. */
    public String text() {
        List<String> parts = new ArrayList<>();
        if (refresh != null) {
            parts.add("refresh=" + (refresh.isZero() ? "off" : refresh.toSeconds() + "s"));
        }
        if (adaptive != null) {
            parts.add("adaptive=" + (adaptive ? "on" : "off"));
        }
        if (attempts != null) {
            parts.add("attempts=" + attempts);
        }
        if (readReplica) {
            parts.add("read-from=replica");
        }
        return String.join(",", parts);
    }

    private boolean periodic() {
        return refresh != null && !refresh.isZero();
    }

    /** What {@code client} does on a cluster with these settings, defaults named as defaults. */
    public String describe(RedisClientKind client) {
        return switch (client) {
            case LETTUCE -> "cluster: periodic topology refresh " + (periodic() ? "every " + refresh.toSeconds() + " s" : "off (default)")
                    + "; adaptive refresh triggers " + (Boolean.TRUE.equals(adaptive) ? "on (all)" : "off (default)")
                    + "; maxRedirects " + (attempts == null ? "5 (default)" : attempts)
                    + "; readFrom " + (readReplica ? "REPLICA_PREFERRED" : "UPSTREAM (default)");
            case JEDIS -> "cluster: JedisCluster maxAttempts " + (attempts == null ? "5 (default)" : attempts)
                    + "; topologyRefreshPeriod " + (periodic() ? refresh.toSeconds() + " s" : "none (default: slots renewed after MOVED)")
                    + "; reads from primaries" + (readReplica ? " (read-from=replica is not supported by Jedis; ignored)" : "");
            case REDISSON -> "cluster: scanInterval " + (periodic() ? refresh.toMillis() + " ms" : "5000 ms (default)")
                    + "; retryAttempts " + (attempts == null ? "0 (ours: failures surface at once)" : attempts)
                    + "; readMode " + (readReplica ? "SLAVE" : "MASTER");
        };
    }
}
