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
            + "standalone (one server), sentinel (a primary, 2 replicas, 3 sentinels; the layouts find the primary "
            + "through the sentinels) or cluster (3 primaries + 3 replicas; see --key-design); default ${DEFAULT-VALUE}")
    String topology;

    @Option(names = "--tls", description = "local Redis listens on TLS only in every topology (Sentinel: the sentinels and "
            + "replication too), with a CA and server certificate made at start (for your own server: rediss://…?ca=CA.pem, "
            + "rediss-sentinel://…/master?ca=CA.pem)")
    boolean tls;

    @Option(names = "--redis-cluster", paramLabel = "URI,…", description = "Redis Cluster seeds (env SESSIONBENCH_REDIS_CLUSTER): "
            + "comma-separated redis:// or rediss:// URIs of some of its nodes")
    String redisCluster;

    @Option(names = "--key-design", defaultValue = "session", paramLabel = "DESIGN", description = "Redis key design: session ({id} "
            + "per session; on a cluster create, listing and invalidate-all take several round trips), user (the user's slot "
            + "tag inside the id; one script per step) or namespace (one {sessions} slot, one hot primary); default ${DEFAULT-VALUE}")
    String keys;

    @Option(names = "--cluster-client", defaultValue = "", paramLabel = "K=V,…", description = "Redis Cluster client settings: "
            + "refresh=<s>s|off (periodic topology refresh), adaptive=on|off (Lettuce), attempts=N, read-from=primary|replica; "
            + "unset keys keep each library's default (written to env.json)")
    String clusterClient;

    io.sessionbench.store.redis.KeyDesign keys() {
        return io.sessionbench.store.redis.KeyDesign.of(keys);
    }

    io.sessionbench.store.redis.ClusterSettings clusterSettings() {
        return io.sessionbench.store.redis.ClusterSettings.parse(clusterClient);
    }

    io.sessionbench.infra.LocalStack.Topology topology() {
        return io.sessionbench.infra.LocalStack.Topology.of(topology);
    }

    /** The targets and local-stack choices, for a run (checked: an unknown topology, key design or setting is one line). */
    io.sessionbench.run.Targeting targeting() {
        return new io.sessionbench.run.Targeting(settings(), topology(), tls, keys(), clusterSettings());
    }

    Map<Setting, String> settings() {
        Map<Setting, String> s = new EnumMap<>(Setting.class);
        put(s, Setting.REDIS_URI, redis);
        put(s, Setting.REDIS_CLUSTER, redisCluster);
        put(s, Setting.POSTGRES_URI, postgres);
        put(s, Setting.MEMCACHED, memcached);
        return s;
    }

    private static void put(Map<Setting, String> s, Setting k, String v) {
        if (v != null) {
            s.put(k, v);
        }
    }

    /** Every layout's label, for the help text ({@code ${COMPLETION-CANDIDATES}}): the enum is the list. */
    static final class LayoutLabels implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(io.sessionbench.store.Layout.values()).map(io.sessionbench.store.Layout::label).iterator();
        }
    }

    /** Every Redis client's label, for the help text. */
    static final class ClientLabels implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(io.sessionbench.store.redis.RedisClientKind.values())
                    .map(io.sessionbench.store.redis.RedisClientKind::label).iterator();
        }
    }
}
