package io.sessionbench.scenario;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A declarative open-loop workload, read from {@code scenarios/*.yaml} by {@link ScenarioLoader}, which validates
 * every key. Rates are requests per second; durations are strings such as {@code 30s}, {@code 500ms}, {@code 2m}.
 */
public record Scenario(
        String name,
        String description,
        List<io.sessionbench.store.Layout> layouts,
        List<io.sessionbench.store.redis.RedisClientKind> clients,
        Map<io.sessionbench.metrics.Operation, Double> mix,
        Sizes sessionBytes,
        Users users,
        Rate rate,
        @JsonProperty("arrivals") Arrivals arrivals,
        Integer connections,
        Duration duration,
        Duration warmup,
        Ttl ttl,
        Updates updates,
        Objective objective,
        List<Fault> faults,
        Durability durability) {

    /** This scenario with another update mode (the {@code load --updates} override). */
    public Scenario withUpdates(Updates mode) {
        return new Scenario(name, description, layouts, clients, mix, sessionBytes, users, rate, arrivals, connections,
                duration, warmup, ttl, mode, objective, faults, durability);
    }

    /** This scenario with another durability (the {@code load --durability} override). */
    public Scenario withDurability(Durability d) {
        return new Scenario(name, description, layouts, clients, mix, sessionBytes, users, rate, arrivals, connections,
                duration, warmup, ttl, updates, objective, faults, d);
    }

    /**
     * Something done to a server {@code at} this far into the measurement: see {@link FaultKind}. {@code server}: redis
     * (default), memcached or postgres; {@code length} ({@code for:} in the file): how long a pause or stall lasts, or
     * how long a restarted server stays down; {@code slots}: how many slots a reshard moves.
     */
    public record Fault(Duration at, FaultKind kind, String server, @JsonProperty("for") Duration length, Integer slots) {
    }

    /** The faults a scenario can fire; each acts only on servers the local stack started (or a target the user names). */
    public enum FaultKind {
        /** {@code SENTINEL FAILOVER}, or {@code CLUSTER FAILOVER} on a replica of the primary holding slot 0. */
        @JsonProperty("failover") FAILOVER,
        /** {@code kill -9} of the primary (Sentinel's master, or the cluster primary holding slot 0). */
        @JsonProperty("kill-primary") KILL_PRIMARY,
        /** The server stopped (SIGTERM) and started again after {@code for}, with whatever persistence it has. */
        @JsonProperty("restart") RESTART,
        /** {@code redis-cli --cluster reshard}: {@code slots} slots from the primary holding slot 0 to another primary. */
        @JsonProperty("reshard") RESHARD,
        /** {@code CLIENT PAUSE} of the primary for {@code for}. */
        @JsonProperty("pause") PAUSE,
        /** The server process (and its children) stopped with SIGSTOP for {@code for}, then continued. */
        @JsonProperty("stall") STALL;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * What the local Redis promises about acknowledged writes, set on every local node before the run ({@code CONFIG
     * SET}, kept across restarts by {@code CONFIG REWRITE}): {@code appendfsync} off (no AOF), everysec or always;
     * {@code minReplicasToWrite}: a primary refuses writes unless this many replicas are connected; {@code waitReplicas}:
     * the store follows each data write with {@code WAIT n 1000} and fails the write when fewer replicas acknowledged
     * it (Lettuce on one server or behind Sentinel).
     */
    public record Durability(String appendfsync, Integer minReplicasToWrite, Integer waitReplicas) {
        public String describe() {
            String aof = appendfsync == null || appendfsync.equals("off") ? "no persistence (AOF off, no RDB)" : "AOF appendfsync " + appendfsync;
            return aof + (minReplicasToWrite == null || minReplicasToWrite == 0 ? "" : ", min-replicas-to-write " + minReplicasToWrite)
                    + (replicasToWait() == 0 ? "" : ", WAIT " + waitReplicas + " after every data write");
        }

        /** Replicas each data write waits for ({@code WAIT n 1000}); 0 when unset. */
        public int replicasToWait() {
            return waitReplicas == null ? 0 : waitReplicas;
        }
    }

    /** Whether read-modify-write layouts protect partial updates (compare-and-set) or write naively. */
    public enum Updates {
        @JsonProperty("safe") SAFE,
        @JsonProperty("naive") NAIVE;

        /** {@code safe} or {@code naive}, as scenario files and the JMH parameter {@code updates} spell them. */
        public static Updates of(String name) {
            for (Updates u : values()) {
                if (u.name().equalsIgnoreCase(name)) {
                    return u;
                }
            }
            throw new IllegalArgumentException("updates=" + name + " is not a mode; use safe or naive");
        }
    }

    /** Session sizes in bytes, drawn uniformly between min and max (equal for a fixed size). */
    public record Sizes(int min, int max) {
    }

    /** The user population: how many users, sessions each, and which of them requests hit. */
    public record Users(int count, int sessionsPerUser, Workload.Distribution distribution, double hotFraction, double hotShare) {
    }

    /** A fixed rate, or a sweep from {@code from} to {@code to} in steps of {@code step}. */
    public record Rate(double target, double from, double to, double step) {
        public boolean isSweep() {
            return target <= 0;
        }

        public List<Double> steps() {
            if (!isSweep()) {
                return List.of(target);
            }
            java.util.ArrayList<Double> out = new java.util.ArrayList<>();
            for (double r = from; r <= to + 1e-9; r += step) {
                out.add(r);
            }
            return out;
        }
    }

    public enum Arrivals {
        @JsonProperty("constant") CONSTANT,
        @JsonProperty("poisson") POISSON
    }

    public record Ttl(Duration idle, Duration absolute) {
    }

    /**
     * What a run must hold to meet its objective: P99 of successful calls (corrected, from the intended start) within
     * {@code p99}, failed calls at most {@code errors} percent of the scheduled requests, and starts more than 1 ms late
     * at most {@code late} percent (defaults 1 and 5).
     */
    public record Objective(Duration p99, Double errors, Double late) {
        public static final double DEFAULT_ERRORS_PERCENT = 1;
        public static final double DEFAULT_LATE_PERCENT = 5;

        public Objective(Duration p99) {
            this(p99, null, null);
        }

        /** This objective with the defaults in place of what it leaves out. */
        public Objective withDefaults() {
            return new Objective(p99, errors == null ? DEFAULT_ERRORS_PERCENT : errors, late == null ? DEFAULT_LATE_PERCENT : late);
        }
    }
}
