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
    private static LocalStack sentinelStack;
    private static LocalStack tlsStack;
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

    /** A second Redis, in the Sentinel topology (primary, 2 replicas, 3 sentinels), started on first use. */
    public static synchronized Endpoints sentinelEndpoints() {
        if (root == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(TestStack.class)");
        }
        if (sentinelStack == null) {
            sentinelStack = LocalStack.start(Path.of("target", "test-stack-sentinel"), EnumSet.of(LocalStack.Server.REDIS),
                    java.util.Map.of(), LocalStack.Topology.SENTINEL);
        }
        return sentinelStack.endpoints();
    }

    /** A third Redis, on TLS only, with its CA in the target URI, started on first use. */
    public static synchronized Endpoints tlsEndpoints() {
        if (root == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(TestStack.class)");
        }
        if (tlsStack == null) {
            tlsStack = LocalStack.start(Path.of("target", "test-stack-tls"), EnumSet.of(LocalStack.Server.REDIS),
                    java.util.Map.of(), LocalStack.Topology.STANDALONE, true);
        }
        return tlsStack.endpoints();
    }

    private static synchronized void stop() {
        if (tlsStack != null) {
            tlsStack.close();
            tlsStack = null;
        }
        if (stack != null) {
            stack.close();
            stack = null;
        }
        if (sentinelStack != null) {
            sentinelStack.close();
            sentinelStack = null;
        }
    }
}
