package io.sessionbench.gate;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.store.Target;
import io.sessionbench.store.redis.RedisClientKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One benchmark the gate runs on both builds: a {@code SessionOps} operation on a layout (and Redis client) at 2 KB,
 * one thread, synchronous. Written and read as {@code request redis-hash/lettuce}; {@link #parse} takes
 * {@code [operation:]layout[/client]}.
 */
public record GateTarget(String operation, Target target) {
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
        try {
            return new GateTarget(op, Target.parse(t));
        } catch (ConfigException e) {
            throw new ConfigException("gate benchmark '" + text + "': " + e.getMessage());
        }
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
        return operation + " " + target.label() + " 2KB t1";
    }

    /** A file-name-safe form of the label. */
    String slug() {
        return label().replace(' ', '_').replace('/', '-');
    }

    /** JMH's selection and parameters for one trial of this benchmark. */
    List<String> jmhArgs() {
        return List.of("io\\.sessionbench\\.bench\\.SessionOps\\." + operation + "$", "-p", "layout=" + target.layout().label(),
                "-p", "client=" + (target.redis() ? target.client() : RedisClientKind.LETTUCE).label(), "-p", "sessionBytes=" + SESSION_BYTES, "-p", "distribution=uniform",
                "-p", "liveSessions=10000", "-p", "updates=safe", "-t", "1");
    }
}
