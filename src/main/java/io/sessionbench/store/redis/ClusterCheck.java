package io.sessionbench.store.redis;

import io.sessionbench.infra.ClusterTarget;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.RedisTarget;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Asks a Redis target whether it is a cluster node before a client library does, so a cluster seed that is a
 * standalone server, or a standalone target that is a cluster node, is one line naming the thing and the setting to
 * use instead of each library's own failure (MOVED errors, or "ERR This instance has cluster support disabled").
 */
final class ClusterCheck {
    private ClusterCheck() {
    }

    /**
     * Fails unless at least one seed answers, and every seed that answers has {@code cluster_enabled:1} and lets the
     * target's user read the slot map ({@code CLUSTER NODES} and {@code CLUSTER SLOTS}, what the clients ask first).
     */
    static void seeds(ClusterTarget c) {
        List<String> problems = new ArrayList<>();
        boolean anyAnswered = false;
        for (RedisTarget seed : c.seeds()) {
            Boolean enabled;
            try {
                enabled = clusterEnabled(seed, true);
            } catch (ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                if (RedisFailures.messageChainContains(e, "WRONGPASS") || RedisFailures.messageChainContains(e, "NOAUTH")) {
                    throw RedisFailures.translate(e, seed, "AUTH");
                }
                problems.add(seed.redacted() + ": " + RedisFailures.rootMessage(e));
                continue;
            }
            anyAnswered = true;
            if (!enabled) {
                throw new ConfigException("cluster seed " + seed.redacted() + " is a standalone server (cluster_enabled:0); give it "
                        + "as --redis or SESSIONBENCH_REDIS_URI, or list the nodes of a real cluster in SESSIONBENCH_REDIS_CLUSTER");
            }
        }
        if (!anyAnswered) {
            throw new ConfigException("no seed of " + c.redacted() + " answered (" + String.join("; ", problems)
                    + "); check the addresses and that the cluster runs");
        }
    }

    /** Fails when a standalone target is a cluster node: the layouts' keys would be answered with MOVED. */
    static void standalone(RedisTarget t) {
        Boolean enabled;
        try {
            enabled = clusterEnabled(t, false);
        } catch (RuntimeException e) {
            if (t.tls() && (RedisFailures.hasCause(e, javax.net.ssl.SSLException.class)
                    || RedisFailures.hasCause(e, java.net.SocketTimeoutException.class))) {
                // A TLS handshake that failed or got no answer (a plain port says nothing to a ClientHello) fails the
                // client's connect the same way after the same wait: say so now, once.
                throw RedisFailures.translate(e, t, "connect");
            }
            return; // the client's own connect reports unreachable servers and bad passwords, one line each
        }
        if (enabled) {
            throw new ConfigException("Redis target " + t.redacted() + " is a Redis Cluster node (cluster_enabled:1); give the "
                    + "cluster's nodes as --redis-cluster or SESSIONBENCH_REDIS_CLUSTER (comma-separated redis:// URIs) instead");
        }
    }

    private static boolean clusterEnabled(RedisTarget t, boolean slotMap) {
        try (Jedis j = new Jedis(new HostAndPort(t.host(), t.port()),
                JedisPort.tls(JedisPort.config(t.user(), t.password()).clientName("sessionbench-check"), t).build())) {
            boolean enabled = j.info("cluster").contains("cluster_enabled:1");
            if (enabled && slotMap) {
                mayRead(t, "CLUSTER NODES", j::clusterNodes);
                mayRead(t, "CLUSTER SLOTS", j::clusterSlots);
            }
            return enabled;
        }
    }

    /** Runs a slot-map command as the target's user; NOPERM is one line naming the command and the rules a cluster client needs. */
    private static void mayRead(RedisTarget t, String command, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (!RedisFailures.messageChainContains(e, "NOPERM")) {
                throw e;
            }
            String user = t.user().isEmpty() ? "default" : t.user();
            throw new ConfigException("Redis at " + t.redacted() + " does not allow user '" + user + "' to run " + command
                    + " (NOPERM), which a cluster client needs for the slot map; grant what the cluster clients send: "
                    + RedisAcl.clusterAddition(user));
        }
    }
}
