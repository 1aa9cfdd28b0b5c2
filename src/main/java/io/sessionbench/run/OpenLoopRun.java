package io.sessionbench.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.Targets;
import io.sessionbench.loadgen.LoadReport;
import io.sessionbench.loadgen.LoadRun;
import io.sessionbench.loadgen.RateSweep;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.store.Layout;
import io.sessionbench.store.redis.RedisClientKind;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code load} run: each scenario's rate sweep on each layout × client against the targets (the local stack
 * starting what is not given), the results folder ({@link RunRecord}), faults checked before anything starts, Ctrl-C
 * stopping the sweep and keeping what it measured. The command only parses and checks its options into {@link Settings}.
 */
public final class OpenLoopRun {
    /**
     * What to run: where, the scenarios (overrides applied), the layouts and clients chosen over the scenarios' (null
     * keeps theirs), the rate/duration overrides, how generators share one schedule, the start instant as given, the
     * label, the results' parent folder, the local stack's folder, and whether command faults may act on a given target.
     */
    public record Settings(Targeting targeting, List<Scenario> scenarios, List<Layout> layouts, List<RedisClientKind> clients,
                           RateSweep.Overrides overrides, RateSweep.Sharing sharing, String startAt, String label,
                           Path resultsRoot, Path stackDir, boolean allowFaultsOnTarget) {
    }

    private final Settings settings;
    private final Targeting targets;
    /** How this generator shares a schedule; its clock offset is filled in once the targets are known. */
    private RateSweep.Sharing sharing;
    private final Path resultsRoot;
    private final String label;
    private final String startAt;
    private volatile RateSweep current;
    private String incomplete;
    private volatile boolean interrupted;

    public OpenLoopRun(Settings s) {
        this.settings = s;
        this.targets = s.targeting();
        this.sharing = s.sharing();
        this.resultsRoot = s.resultsRoot();
        this.label = s.label();
        this.startAt = s.startAt();
    }

    private RateSweep.Overrides overrides() {
        return settings.overrides();
    }

    /** Runs, writes, prints; returns the exit code (130 interrupted; 1 incomplete or with errors). */
    public int call() throws Exception {
        List<Scenario> loaded = settings.scenarios();
        io.sessionbench.report.Charts.warmUp();
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        for (Scenario s : loaded) {
            for (Layout l : layoutsOf(s)) {
                l.server().ifPresent(needed::add);
            }
        }
        if (sharing.sessionsDir() != null) {
            Set<LocalStack.Server> missing = Targets.missing(targets.settings(), System.getenv(), needed);
            if (!missing.isEmpty()) {
                throw new ConfigException("--sessions-dir, --generator and --preload-only share servers between processes, so "
                        + "the servers must outlive each of them: give " + String.join(", ", missing.stream()
                        .map(m -> "--" + m.name().toLowerCase(Locale.ROOT)).toList()) + " (or SESSIONBENCH_*), e.g. from 'stack up'");
            }
        }
        Set<LocalStack.Server> local = Targets.missing(targets.settings(), System.getenv(), needed);
        io.sessionbench.infra.Endpoints given = io.sessionbench.infra.Endpoints.from(io.sessionbench.infra.Endpoints.environment(System.getenv()),
                targets.settings());
        for (Scenario s : loaded) {
            if (!s.faults().isEmpty() && (sharing.count() > 1 || sharing.preloadOnly())) {
                throw new ConfigException("scenario " + s.name() + " has faults; they fire from one process, so run it without "
                        + "--generator and --preload-only");
            }
            io.sessionbench.loadgen.Faults.check(s, targets.topology(), local, given.redisSentinel() != null || !given.redisCluster().isEmpty(),
                    !given.redisCluster().isEmpty(), settings.allowFaultsOnTarget());
        }
        String name = label != null ? label : String.join("+", loaded.stream().map(Scenario::name).toList());
        List<LoadRun> runs = new ArrayList<>();
        CountDownLatch written = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted = true;
            RateSweep r = current;
            if (r != null) {
                r.stop();
            }
            try {
                written.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sessionbench-load-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Targets t = targets.resolve(needed, settings.stackDir())) {
            t.endpoints().describe().forEach(l -> System.out.println("target " + l));
            if (sharing.preloadOnly()) {
                return preloadOnly(loaded, t, sharing);
            }
            // Every target answers before a results folder exists: an unreachable or refusing one is one line, exit 2.
            for (Scenario s : loaded) {
                for (Layout layout : layoutsOf(s)) {
                    for (RedisClientKind client : layout.usesRedisClient() ? clientsOf(s) : List.of(RedisClientKind.LETTUCE)) {
                        try {
                            BenchRun.tryStore(layout, client, t.endpoints());
                        } catch (io.sessionbench.store.StoreException e) {
                            throw new io.sessionbench.infra.ConfigException(layout.label() + ": " + io.sessionbench.infra.RedisTarget.redactUri(e.getMessage())
                                    + " (checked before the run; nothing was written)");
                        }
                    }
                }
            }
            // The rate steps' files are written as each step ends, LoadReport.save writes the rest: only the conditions here.
            RunRecord record = new RunRecord();
            ObjectNode fields = RunRecord.fields();
            fields.put("started", LocalDateTime.now().toString());
            if (sharing.count() > 1 || sharing.startEpochNanos() > 0) {
                fields.put("generator", sharing.index());
                fields.put("generators", sharing.count());
                if (startAt != null) {
                    fields.put("startAt", java.time.Instant.parse(startAt.trim()).toString());
                }
                ObjectNode clock = fields.putObject("clockOffset");
                java.util.Optional<io.sessionbench.loadgen.ClockOffset> offset = io.sessionbench.loadgen.ClockOffset.measure(t.endpoints());
                offset.ifPresentOrElse(c -> {
                    clock.put("againstServer", c.server());
                    clock.put("offsetMillis", c.offsetMillis());
                    clock.put("uncertaintyMillis", c.uncertaintyMillis());
                    clock.put("applied", "the start instant is read on the server's clock; merge places intervals by it");
                }, () -> clock.put("againstServer", "none: no Redis among the targets to read TIME from"));
                // Start when the shared clock says so, not when this machine's does.
                sharing = sharing.withClockOffset(offset.map(c -> Math.round(c.offsetMillis() * 1e6)).orElse(0L));
                if (io.sessionbench.loadgen.LocalClock.skewMillis() != 0) {
                    clock.put("testSkewMillis", io.sessionbench.loadgen.LocalClock.skewMillis());
                }
            }
            fields.put("redisKeys", targets.keys().label());
            fields.put("clusterClient", targets.cluster().text());
            Path out = record.begin(t, resultsRoot, "load_" + name + (sharing.count() > 1 ? "_g" + sharing.index() + "of" + sharing.count() : ""),
                    "open loop: " + name, fields);
            for (Scenario s : loaded) {
                for (Layout layout : layoutsOf(s)) {
                    for (RedisClientKind client : layout.usesRedisClient() ? clientsOf(s) : List.of(RedisClientKind.LETTUCE)) {
                        if (!interrupted) {
                            RateSweep sweep = new RateSweep(s, layout, client, overrides(), sharing)
                                    .withStack(t.stack());
                            current = sweep;
                            try {
                                sweep.run(t.endpoints(), out, runs, System.out, System.err);
                            } catch (InterruptedException e) {
                                throw e;
                            } catch (Exception e) {
                                // A server that died or a store that failed ends this sweep, not the run: the others
                                // go on, and the results say what is missing.
                                String why = s.name() + " " + sweep.target() + ": " + RedisTarget.redactUri(String.valueOf(e.getMessage()));
                                System.err.println("sessionbench load: " + why);
                                incomplete = incomplete == null ? why : incomplete + "; " + why;
                            } finally {
                                current = null;
                            }
                        }
                    }
                }
            }
            record.run().put("interrupted", interrupted);
            record.clusterLoad("the whole load run (preloads, warm-ups and every rate step)");
            record.write(incomplete);
            LoadReport.save(out, runs);
            System.out.println();
            System.out.print(LoadReport.write(out));
            System.out.println();
            System.out.println("results: " + out);
            System.out.println("report:  " + out.resolve("report.html"));
        } finally {
            written.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the results written above
            }
        }
        return interrupted ? 130 : incomplete != null || runs.stream().anyMatch(r -> r.errorCount() > 0 || r.incomplete() != null) ? 1 : 0;
    }

    /** {@code --preload-only}: each scenario's sessions once per layout into the sessions folder; no results folder. */
    private int preloadOnly(List<Scenario> loaded, Targets t, RateSweep.Sharing sharing) throws Exception {
        for (Scenario s : loaded) {
            for (Layout layout : layoutsOf(s)) {
                new RateSweep(s, layout, s.clients().get(0), overrides(), sharing)
                        .run(t.endpoints(), null, new ArrayList<>(), System.out, System.err);
            }
        }
        return 0;
    }

    private List<RedisClientKind> clientsOf(Scenario s) {
        return settings.clients() != null ? settings.clients() : s.clients();
    }

    private final java.util.Map<Scenario, List<Layout>> targetedLayouts = new java.util.HashMap<>();

    /** The layouts given with --layouts; else the scenario's, narrowed to the given targets when there are any. */
    private List<Layout> layoutsOf(Scenario s) {
        return settings.layouts() != null ? settings.layouts()
                : targetedLayouts.computeIfAbsent(s, x -> targets.targeted(x.layouts(), System.out));
    }
}
