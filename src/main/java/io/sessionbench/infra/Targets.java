package io.sessionbench.infra;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the endpoints of a run: command-line option, then environment, then a {@link LocalStack} started only for
 * the backends that were given no target.
 */
public record Targets(Endpoints endpoints, LocalStack stack) implements AutoCloseable {

    public static Targets resolve(Map<Endpoints.Setting, String> options, Map<String, String> env,
                                  Set<LocalStack.Server> needed, Path stackDir) {
        return resolve(options, env, needed, stackDir, LocalStack.Topology.STANDALONE, false);
    }

    /**
     * {@link #resolve(Map, Map, Set, Path)} with a local Redis started in {@code topology}, and on TLS only when
     * {@code tls}, when one is started.
     */
    public static Targets resolve(Map<Endpoints.Setting, String> options, Map<String, String> env,
                                  Set<LocalStack.Server> needed, Path stackDir, LocalStack.Topology topology, boolean tls) {
        Endpoints given = Endpoints.from(Endpoints.environment(env), options);
        if (topology != LocalStack.Topology.STANDALONE && given.hasRedis()) {
            throw new ConfigException("--topology " + topology.name().toLowerCase(java.util.Locale.ROOT) + " shapes the local "
                    + "stack, but a Redis target is given; for your own Sentinel set SESSIONBENCH_REDIS_SENTINEL instead");
        }
        if (tls && given.hasRedis()) {
            throw new ConfigException("--tls makes the local Redis listen on TLS, but a Redis target is given; for your own "
                    + "server use rediss://…?ca=CA.pem in its URI instead");
        }
        Set<LocalStack.Server> missing = missing(given, needed);
        if (missing.isEmpty()) {
            return new Targets(given, null);
        }
        LocalStack stack = LocalStack.start(stackDir, missing, Map.of(), topology, tls);
        Endpoints local = stack.endpoints();
        boolean localRedis = !given.hasRedis();
        Endpoints merged = new Endpoints(localRedis ? local.redis() : given.redis(),
                given.postgres() != null ? given.postgres() : local.postgres(),
                given.memcached().isEmpty() ? local.memcached() : given.memcached());
        return new Targets(merged, stack);
    }

    /** The needed servers that neither an option nor the environment names: those {@link #resolve} starts locally. */
    public static Set<LocalStack.Server> missing(Map<Endpoints.Setting, String> options, Map<String, String> env,
                                                 Set<LocalStack.Server> needed) {
        return missing(Endpoints.from(Endpoints.environment(env), options), needed);
    }

    private static Set<LocalStack.Server> missing(Endpoints given, Set<LocalStack.Server> needed) {
        Set<LocalStack.Server> missing = EnumSet.noneOf(LocalStack.Server.class);
        if (needed.contains(LocalStack.Server.REDIS) && !given.hasRedis()) {
            missing.add(LocalStack.Server.REDIS);
        }
        if (needed.contains(LocalStack.Server.MEMCACHED) && given.memcached().isEmpty()) {
            missing.add(LocalStack.Server.MEMCACHED);
        }
        if (needed.contains(LocalStack.Server.POSTGRES) && given.postgres() == null) {
            missing.add(LocalStack.Server.POSTGRES);
        }
        return missing;
    }

    /** Replicas and sentinels of a local Sentinel topology; empty otherwise. */
    public List<LocalStack.Running> localHelpers() {
        return stack == null ? List.of() : stack.helpers();
    }

    public List<LocalStack.Running> localServers() {
        return stack == null ? List.of() : stack.servers();
    }

    @Override
    public void close() {
        if (stack != null) {
            stack.close();
        }
    }
}
