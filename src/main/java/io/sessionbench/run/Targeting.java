package io.sessionbench.run;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.Endpoints.Setting;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.store.redis.ClusterSettings;
import io.sessionbench.store.redis.KeyDesign;
import io.sessionbench.store.Layout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a run's servers are, as the command line (and the {@code SESSIONBENCH_*} environment) chose: the given
 * targets, the topology and TLS of the local stack started for the rest, the Redis key design and the cluster
 * client settings.
 */
public record Targeting(Map<Setting, String> settings, LocalStack.Topology topology, boolean tls, KeyDesign keys,
                        ClusterSettings cluster) {

    /**
     * With any target given (option or environment) and no {@code --layouts}, the run is about the given servers: of
     * {@code candidates}, the layouts whose server is given, and the in-process floor. Without a target, all of them.
     * Says on {@code out} what it left out and how to add it back.
     */
    public List<Layout> targeted(List<Layout> candidates, java.io.PrintStream out) {
        Endpoints given = Endpoints.from(Endpoints.environment(System.getenv()), settings);
        Set<LocalStack.Server> missing = Targets.missing(settings, System.getenv(), java.util.EnumSet.allOf(LocalStack.Server.class));
        if (missing.size() == LocalStack.Server.values().length) {
            return candidates;
        }
        List<Layout> kept = candidates.stream().filter(l -> l.server().map(sv -> !missing.contains(sv)).orElse(true)).toList();
        List<Layout> left = candidates.stream().filter(l -> !kept.contains(l)).toList();
        if (!left.isEmpty()) {
            out.println("targets given (" + String.join(", ", given.describe()) + "): running " + String.join(", ",
                    kept.stream().map(Layout::label).toList()) + " only; " + String.join(", ", left.stream().map(Layout::label).toList())
                    + " would run on servers started on this machine, not comparable with remote ones: name them in --layouts to run them anyway");
        }
        return kept;
    }

    /** The targets, the servers {@code needed} but not given started locally under {@code stackDir}. */
    public Targets resolve(Set<LocalStack.Server> needed, Path stackDir) {
        return Targets.resolve(settings, System.getenv(), needed, stackDir, topology, tls);
    }
}
