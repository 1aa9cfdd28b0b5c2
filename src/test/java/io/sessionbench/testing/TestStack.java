package io.sessionbench.testing;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.LocalStack;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real redis-server, memcached and Postgres for the whole test run, started on first use and stopped when JUnit
 * closes its root context. A server that does not come up fails the tests that need it.
 */
public final class TestStack implements BeforeAllCallback {
    private static LocalStack stack;
    private static ExtensionContext root;

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoints(context);
    }

    public static synchronized Endpoints endpoints(ExtensionContext context) {
        if (stack == null) {
            stack = LocalStack.start(Path.of("target", "test-stack"), EnumSet.allOf(LocalStack.Server.class));
            root = context.getRoot();
            root.getStore(ExtensionContext.Namespace.GLOBAL)
                    .put("sessionbench-test-stack", (ExtensionContext.Store.CloseableResource) TestStack::stop);
        }
        return stack.endpoints();
    }

    public static synchronized Endpoints endpoints() {
        if (stack == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(TestStack.class)");
        }
        return stack.endpoints();
    }

    /** Redis stacks beside the main one, by name, each started on first use. */
    private static final java.util.Map<String, LocalStack> extra = new java.util.LinkedHashMap<>();

    private static synchronized Endpoints extra(String name, LocalStack.Topology topology, boolean tls) {
        if (root == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(TestStack.class)");
        }
        return extra.computeIfAbsent(name, n -> LocalStack.start(Path.of("target", "test-stack-" + n),
                EnumSet.of(LocalStack.Server.REDIS), java.util.Map.of(), topology, tls)).endpoints();
    }

    /** A second Redis, in the Sentinel topology (primary, 2 replicas, 3 sentinels), started on first use. */
    public static Endpoints sentinelEndpoints() {
        return extra("sentinel", LocalStack.Topology.SENTINEL, false);
    }

    /** The Sentinel topology on TLS only (clients, replication, sentinel links), its CA in the URIs, started on first use. */
    public static Endpoints tlsSentinelEndpoints() {
        return extra("tls-sentinel", LocalStack.Topology.SENTINEL, true);
    }

    /** A Redis Cluster of 3 primaries and 3 replicas, started on first use. */
    public static Endpoints clusterEndpoints() {
        return extra("cluster", LocalStack.Topology.CLUSTER, false);
    }

    /** A Redis Cluster on TLS only (clients, bus and replication), its CA in the seed URIs, started on first use. */
    public static Endpoints tlsClusterEndpoints() {
        return extra("tls-cluster", LocalStack.Topology.CLUSTER, true);
    }

    /** A Redis on TLS only, with its CA in the target URI, started on first use. */
    public static Endpoints tlsEndpoints() {
        return extra("tls", LocalStack.Topology.STANDALONE, true);
    }

    private static synchronized void stop() {
        extra.values().forEach(LocalStack::close);
        extra.clear();
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }
}
