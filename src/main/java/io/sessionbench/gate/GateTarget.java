package io.sessionbench.gate;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.store.Layout;
import io.sessionbench.store.redis.RedisClientKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One benchmark the gate runs on both builds: a {@code SessionOps} operation on a layout (and Redis client) at 2 KB,
 * one thread, synchronous. Written and read as {@code request redis-hash/lettuce}; {@link #parse} takes
 * {@code [operation:]layout[/client]}.
 */
public record GateTarget(String operation, Layout layout, RedisClientKind client) {
    static final Set<String> OPERATIONS = Set.of("request", "load", "readAttribute", "updateAttribute", "touch", "create");
    static final int SESSION_BYTES = 2048;

    public static GateTarget parse(String text) {
        String t = text.trim();
        String op = "request";
        int colon = t.indexOf(':');
        if (colon >= 0) {
            op = t.substring(0, colon);
            t = t.substring(colon + 1);
            if (!OPERATIONS.contains(op)) {
                throw new ConfigException("gate benchmark '" + text + "': unknown operation '" + op + "'; use one of "
                        + String.join(", ", new java.util.TreeSet<>(OPERATIONS)));
            }
        }
        int slash = t.indexOf('/');
        Layout layout = Layout.of(slash < 0 ? t : t.substring(0, slash));
        RedisClientKind client = RedisClientKind.LETTUCE;
        if (slash >= 0) {
            if (!layout.usesRedisClient()) {
                throw new ConfigException("gate benchmark '" + text + "': " + layout.label() + " has no Redis client to choose; write '"
                        + layout.label() + "'");
            }
            client = RedisClientKind.of(t.substring(slash + 1));
        }
        return new GateTarget(op, layout, client);
    }

    public static List<GateTarget> parseAll(List<String> texts) {
        List<GateTarget> out = new ArrayList<>();
        for (String s : texts) {
            GateTarget g = parse(s);
            if (out.contains(g)) {
                throw new ConfigException("gate benchmark '" + s + "' is given twice");
            }
            out.add(g);
        }
        return out;
    }

    /** {@code request redis-hash/lettuce 2KB t1}, as {@code compare} names benchmarks. */
    public String label() {
        return operation + " " + layout.label() + (layout.usesRedisClient() ? "/" + client.label() : "") + " 2KB t1";
    }

    /** A file-name-safe form of the label. */
    String slug() {
        return label().replace(' ', '_').replace('/', '-');
    }

    /** JMH's selection and parameters for one trial of this benchmark. */
    List<String> jmhArgs() {
        return List.of("io\\.sessionbench\\.bench\\.SessionOps\\." + operation + "$", "-p", "layout=" + layout.label(),
                "-p", "client=" + client.label(), "-p", "sessionBytes=" + SESSION_BYTES, "-p", "distribution=uniform",
                "-p", "liveSessions=10000", "-p", "updates=safe", "-t", "1");
    }
}
