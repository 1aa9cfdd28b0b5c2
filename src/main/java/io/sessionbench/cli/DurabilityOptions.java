package io.sessionbench.cli;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.scenario.Scenario;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code load}'s durability overrides: checked before anything starts, then laid over each scenario's own. */
final class DurabilityOptions {
    @Option(names = "--appendfsync", paramLabel = "MODE", description = "override the scenarios' durability: off (no AOF), everysec "
            + "or always, set on every local Redis node before the run")
    String appendfsync;

    @Option(names = "--min-replicas-to-write", paramLabel = "N", description = "override the scenarios' durability: a primary "
            + "refuses writes unless N replicas are connected (0-2)")
    Integer minReplicas;

    @Option(names = "--wait-replicas", paramLabel = "N", description = "override the scenarios' durability: follow every data "
            + "write with WAIT N 1000 and fail it when fewer replicas acknowledged it (Lettuce, standalone or Sentinel; 0-2)")
    Integer waitReplicas;

    void validate() {
        if (appendfsync != null && !List.of("off", "everysec", "always").contains(appendfsync)) {
            throw new ConfigException("--appendfsync " + appendfsync + " is not a mode; use off, everysec or always");
        }
        Limits.range("--min-replicas-to-write", minReplicas, 0, 2);
        Limits.range("--wait-replicas", waitReplicas, 0, 2);
    }

    /** {@code s} with every override given here in place of its own setting. */
    Scenario applyTo(Scenario s) {
        if (appendfsync == null && minReplicas == null && waitReplicas == null) {
            return s;
        }
        Scenario.Durability d = s.durability() == null ? new Scenario.Durability(null, null, null) : s.durability();
        return s.withDurability(new Scenario.Durability(appendfsync != null ? appendfsync : d.appendfsync(),
                minReplicas != null ? minReplicas : d.minReplicasToWrite(), waitReplicas != null ? waitReplicas : d.waitReplicas()));
    }
}
