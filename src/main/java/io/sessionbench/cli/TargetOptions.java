package io.sessionbench.cli;

import io.sessionbench.infra.Endpoints.Setting;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Target options shared by every command; each overrides its {@code SESSIONBENCH_*} environment variable. */
final class TargetOptions {
    @Option(names = "--redis", paramLabel = "URI", description = "Redis target (env SESSIONBENCH_REDIS_URI): redis://[user:password@]host:port[/db]")
    String redis;

    @Option(names = "--postgres", paramLabel = "URI", description = "Postgres target (env SESSIONBENCH_POSTGRES_URI): postgresql://user:password@host:port/db")
    String postgres;

    @Option(names = "--memcached", paramLabel = "HOST:PORT[,…]", description = "Memcached servers (env SESSIONBENCH_MEMCACHED)")
    String memcached;

    @Option(names = "--topology", defaultValue = "standalone", paramLabel = "TOPOLOGY", description = "local Redis: "
            + "standalone (one server) or sentinel (a primary, 2 replicas, 3 sentinels; the layouts find the primary "
            + "through the sentinels); default ${DEFAULT-VALUE}")
    String topology;

    @Option(names = "--tls", description = "local Redis listens on TLS only, with a CA and server certificate made at start "
            + "(for your own server: rediss://…?ca=CA.pem)")
    boolean tls;

    io.sessionbench.infra.LocalStack.Topology topology() {
        return io.sessionbench.infra.LocalStack.Topology.of(topology);
    }

    Map<Setting, String> settings() {
        Map<Setting, String> s = new EnumMap<>(Setting.class);
        put(s, Setting.REDIS_URI, redis);
        put(s, Setting.POSTGRES_URI, postgres);
        put(s, Setting.MEMCACHED, memcached);
        return s;
    }

    private static void put(Map<Setting, String> s, Setting k, String v) {
        if (v != null) {
            s.put(k, v);
        }
    }
}
