package io.sessionbench.bench;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.store.Layout;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

/**
 * Endpoints inside a forked benchmark JVM: the 0600 file named by {@code -Dsessionbench.endpoints} (written by the
 * {@code bench} command), else {@code SESSIONBENCH_*} variables, else a local server started for this fork alone.
 */
final class BenchTargets {
    static final String ENDPOINTS_PROPERTY = "sessionbench.endpoints";

    private BenchTargets() {
    }

    static Targets resolve(Layout layout) {
        String file = System.getProperty(ENDPOINTS_PROPERTY);
        Map<Endpoints.Setting, String> fromFile = file == null ? Map.of() : Endpoints.readSecretFile(Path.of(file));
        EnumSet<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        layout.server().ifPresent(needed::add);
        return Targets.resolve(fromFile, System.getenv(), needed,
                Path.of("target", "bench-stack-" + ProcessHandle.current().pid()));
    }
}
