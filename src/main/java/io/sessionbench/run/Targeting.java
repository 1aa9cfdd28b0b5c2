package io.sessionbench.run;

import io.sessionbench.infra.Endpoints.Setting;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.store.redis.ClusterSettings;
import io.sessionbench.store.redis.KeyDesign;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Where a run's servers are, as the command line (and the {@code SESSIONBENCH_*} environment) chose: the given
 * targets, the topology and TLS of the local stack started for the rest, the Redis key design and the cluster
 * client settings.
 */
public record Targeting(Map<Setting, String> settings, LocalStack.Topology topology, boolean tls, KeyDesign keys,
                        ClusterSettings cluster) {

    /** The targets, the servers {@code needed} but not given started locally under {@code stackDir}. */
    public Targets resolve(Set<LocalStack.Server> needed, Path stackDir) {
        return Targets.resolve(settings, System.getenv(), needed, stackDir, topology, tls);
    }
}
