package io.sessionbench.loadgen;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.metrics.HistogramFiles;
import io.sessionbench.metrics.Operation;
import io.sessionbench.metrics.RunKey;
import io.sessionbench.scenario.LoginLedger;
import io.sessionbench.scenario.Scenario;
import io.sessionbench.scenario.ScenarioWorkload;
import io.sessionbench.store.Layout;
import io.sessionbench.store.SessionPolicy;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.StoreException;
import io.sessionbench.store.redis.RedisClientKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One scenario on one layout × client: preloads once, then runs each rate of the scenario (or the one given) in turn
 * with an {@link OpenLoopRunner}, stopping at the first rate that does not meet the objective ({@link LoadRun#unmet()}), and
 * turns each run into a {@link LoadRun} with its histograms written beside it.
 */
public final class RateSweep {
    /** What the command line overrides; null fields keep the scenario's own. */
    /** Command-line overrides of the scenario, and the Redis key design and cluster client settings to open stores with. */
    public record Overrides(Double rate, Integer connections, Long warmupNanos, Long durationNanos,
                            io.sessionbench.store.redis.KeyDesign keys, io.sessionbench.store.redis.ClusterSettings cluster) {
        public Overrides(Double rate, Integer connections, Long warmupNanos, Long durationNanos) {
            this(rate, connections, warmupNanos, durationNanos, io.sessionbench.store.redis.KeyDesign.SESSION,
                    io.sessionbench.store.redis.ClusterSettings.DEFAULT);
        }
    }

    /**
     * How this process shares a run with other generators: generator {@code index} of {@code count}, every rate step
     * starting at {@code startEpochNanos} + step × ({@code warm-up + duration +} {@link #STEP_PAUSE_NANOS}) (0: now);
     * sessions preloaded once into, or read from, {@code sessionsDir} (null: preload here); {@code preloadOnly}: preload,
     * write the sessions file and stop.
     */
    public record Sharing(int index, int count, long startEpochNanos, Path sessionsDir, boolean preloadOnly, long clockOffsetNanos) {
        /**
         * From the options {@code --generator I/N}, {@code --start-at}, {@code --sessions-dir} and {@code --preload-only}
         * (each may be null/false), checked together; one line naming the option when they do not fit.
         */
        public static Sharing of(String generator, String startAt, Path sessionsDir, boolean preloadOnly) {
            int index = 0;
            int count = 1;
            if (generator != null) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,4})/(\\d{1,4})").matcher(generator.trim());
                if (!m.matches() || Integer.parseInt(m.group(1)) >= Integer.parseInt(m.group(2))) {
                    throw new io.sessionbench.infra.ConfigException("--generator " + generator + " is not I/N with 0 <= I < N <= 1000, e.g. 0/3 for the first of three");
                }
                index = Integer.parseInt(m.group(1));
                count = Integer.parseInt(m.group(2));
                if (count > 1000) {
                    throw new io.sessionbench.infra.ConfigException("--generator " + generator + ": N is out of range; use 1 to 1,000");
                }
            }
            long start = 0;
            if (startAt != null) {
                java.time.Instant at;
                try {
                    at = java.time.Instant.parse(startAt.trim());
                } catch (java.time.format.DateTimeParseException e) {
                    throw new io.sessionbench.infra.ConfigException("--start-at " + startAt + " is not an ISO-8601 UTC instant such as 2026-11-28T21:00:00Z");
                }
                if (at.isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(1)))) {
                    throw new io.sessionbench.infra.ConfigException("--start-at " + startAt + " is more than a day away; give the instant the generators should start at");
                }
                start = at.getEpochSecond() * 1_000_000_000L + at.getNano();
            }
            if (count > 1 && startAt == null) {
                throw new io.sessionbench.infra.ConfigException("--generator " + generator + " needs --start-at INSTANT, the same for all " + count
                        + " generators, so their schedules line up");
            }
            if (count > 1 && sessionsDir == null) {
                throw new io.sessionbench.infra.ConfigException("--generator " + generator + " needs --sessions-dir DIR: sessions are preloaded once "
                        + "(by 'load --preload-only --sessions-dir DIR' or by generator 0), not once per generator");
            }
            if (preloadOnly && sessionsDir == null) {
                throw new io.sessionbench.infra.ConfigException("--preload-only needs --sessions-dir DIR to write the sessions to");
            }
            if (preloadOnly && (generator != null || startAt != null)) {
                throw new io.sessionbench.infra.ConfigException("--preload-only preloads and stops; give --generator and --start-at to the generators instead");
            }
            return new Sharing(index, count, start, sessionsDir, preloadOnly, 0);
        }

        public static final Sharing ALONE = new Sharing(0, 1, 0, null, false, 0);

        /**
         * This sharing with the measured offset of the shared clock (the Redis server's TIME) against this machine's:
         * the start instant is then read on the shared clock, so generators whose clocks disagree still start together.
         */
        public Sharing withClockOffset(long nanos) {
            return new Sharing(index, count, startEpochNanos, sessionsDir, preloadOnly, nanos);
        }

        /** The file of one scenario's sessions on one layout. */
        public Path sessionsFile(String scenario, Layout layout) {
            return sessionsDir.resolve(scenario.replaceAll("[^A-Za-z0-9._-]", "-") + "." + layout.label() + ".sessions");
        }
    }

    /** The pause between the rate steps of generators sharing a start instant: time for the lost-update check and joins. */
    public static final long STEP_PAUSE_NANOS = 5_000_000_000L;

    private final Scenario scenario;
    private final Layout layout;
    private final RedisClientKind client;
    private final Overrides overrides;
    private final Sharing sharing;
    private volatile OpenLoopRunner current;
    private volatile boolean stopped;
    /** The local stack faults act on (null: none started here), and the endpoints of the run. */
    private io.sessionbench.infra.LocalStack stack;
    private Endpoints runEndpoints;

    /** Lets this sweep's faults act on the servers of {@code stack} (null when nothing was started locally). */
    public RateSweep withStack(io.sessionbench.infra.LocalStack stack) {
        this.stack = stack;
        return this;
    }

    public RateSweep(Scenario scenario, Layout layout, RedisClientKind client, Overrides overrides) {
        this(scenario, layout, client, overrides, Sharing.ALONE);
    }

    public RateSweep(Scenario scenario, Layout layout, RedisClientKind client, Overrides overrides, Sharing sharing) {
        this.scenario = scenario;
        this.layout = layout;
        this.client = client;
        this.overrides = overrides;
        this.sharing = sharing;
    }

    /** Stops the running rate (Ctrl-C); it still returns what was measured. */
    public void stop() {
        stopped = true;
        OpenLoopRunner r = current;
        if (r != null) {
            r.stop();
        }
    }

    public String target() {
        return layout.usesRedisClient() ? layout.label() + "/" + client.label() : layout.label();
    }

    /** Runs the sweep against {@code endpoints}, writing histograms under {@code out/histograms}; adds each run to {@code runs}. */
    public void run(Endpoints endpoints, Path out, List<LoadRun> runs, PrintStream log, PrintStream progress) throws Exception {
        Scenario s = scenario;
        String target = target();
        runEndpoints = endpoints;
        int conns = overrides.connections() != null ? overrides.connections() : s.connections();
        SessionPolicy policy = new SessionPolicy(s.ttl().idle(), s.ttl().absolute(), 3, 1_500_000, s.updates() == Scenario.Updates.SAFE);
        List<Double> rates = overrides.rate() != null ? List.of(overrides.rate()) : s.rate().steps();
        long warm = overrides.warmupNanos() != null ? overrides.warmupNanos() : s.warmup().toNanos();
        long dur = overrides.durationNanos() != null ? overrides.durationNanos() : s.duration().toNanos();
        try (SessionStore store = layout.open(endpoints, new Layout.StoreOptions(client, policy, conns, false,
                overrides.keys(), overrides.cluster(), s.durability() == null ? 0 : s.durability().replicasToWait()))) {
            ScenarioWorkload workload = new ScenarioWorkload(s, store).asGenerator(sharing.index(), sharing.count());
            // Sessions are preloaded once: here when alone; by 'load --preload-only' or by generator 0 when shared
            // (the others wait for its file until the start instant). Shared sessions are left to their idle TTL.
            Path file = sharing.sessionsDir() == null ? null : sharing.sessionsFile(s.name(), layout);
            boolean alone = file == null;
            boolean preloadHere = alone || sharing.preloadOnly() || (sharing.index() == 0 && !java.nio.file.Files.isRegularFile(file));
            if (preloadHere) {
                log.printf(Locale.ROOT, "[%s %s] preloading %,d sessions%n", s.name(), target, workload.sessions());
                try {
                    workload.preload(Math.min(16, Math.max(4, conns)), () -> stopped);
                } catch (java.util.concurrent.CancellationException e) {
                    // Stopping promptly comes first: sessions created so far are left to expire by their idle TTL.
                    log.printf(Locale.ROOT, "[%s %s] stopped during the preload; the sessions created so far expire by their TTL%n",
                            s.name(), target);
                    return;
                }
                if (!alone) {
                    workload.writeSessions(file);
                    log.printf(Locale.ROOT, "[%s %s] sessions written to %s (they expire by the scenario's idle TTL)%n", s.name(), target, file);
                }
            } else {
                waitForSessions(file, log, target);
                workload.readSessions(file);
                log.printf(Locale.ROOT, "[%s %s] generator %d of %d: %,d sessions read from %s%n", s.name(), target,
                        sharing.index(), sharing.count(), workload.sessions(), file);
            }
            if (sharing.preloadOnly()) {
                return;
            }
            int first = runs.size();
            try {
                for (int step = 0; step < rates.size(); step++) {
                    double r = rates.get(step);
                    if (stopped) {
                        break;
                    }
                    long startAt = sharing.startEpochNanos() == 0 ? 0 : sharing.startEpochNanos() + step * (warm + dur + STEP_PAUSE_NANOS);
                    LoadRun lr = runRate(workload, r, conns, warm, dur, startAt, out, progress);
                    runs.add(lr);
                    // The verdict first, what was lost or failed in it before any speed; then the figures.
                    log.printf(Locale.ROOT, "[%s %s] @%.0f req/s %s — lost: %s sessions, %d of %d updates; errors %d (%.2f%%); "
                                    + "%.0f req/s answered, %d never started, late %.2f%%, P99 of successes %.2f ms (uncorrected %.2f ms), misses %d%n",
                            s.name(), target, r, lr.meetsObjective() ? "meets the objective" : "does not meet: " + String.join("; ", lr.unmet()),
                            lr.faults() == null ? "not checked (no fault)" : lr.faults().sessionsMissing() + " of " + lr.faults().sessionsChecked(),
                            lr.lostUpdates().lost(), lr.lostUpdates().acknowledged(), lr.errorCount(), lr.errorPercent(), lr.achievedRate(),
                            lr.notStarted(), lr.latePercent(), lr.successes().corrected().p99() / 1000, lr.successes().uncorrected().p99() / 1000,
                            lr.missCount());
                    // Generators sharing a schedule run every step: each sees only its share, the merge judges the whole.
                    if (!lr.meetsObjective() && sharing.count() == 1) {
                        break;
                    }
                }
            } finally {
                current = null;
                if (!stopped && alone) {
                    String failed = workload.cleanup();
                    if (failed != null) {
                        log.println("sessionbench: " + failed);
                        if (runs.size() > first) {
                            runs.set(runs.size() - 1, runs.get(runs.size() - 1).withIncomplete(failed));
                        }
                    }
                }
            }
        }
    }

    /** Waits for generator 0's sessions file until the shared start instant (or 10 minutes when none is set). */
    private void waitForSessions(Path file, PrintStream log, String target) throws InterruptedException {
        long deadline = sharing.startEpochNanos() > 0 ? OpenLoopRunner.nanoTimeAt(sharing.startEpochNanos() - sharing.clockOffsetNanos())
                : System.nanoTime() + 600_000_000_000L;
        if (!java.nio.file.Files.isRegularFile(file)) {
            log.printf(Locale.ROOT, "[%s %s] generator %d of %d: waiting for the preloaded sessions at %s%n", scenario.name(), target,
                    sharing.index(), sharing.count(), file);
        }
        while (!java.nio.file.Files.isRegularFile(file)) {
            if (stopped || System.nanoTime() > deadline) {
                throw new io.sessionbench.infra.ConfigException("no preloaded sessions at " + file + " by the start instant; run "
                        + "'load --preload-only --sessions-dir " + sharing.sessionsDir() + "' first, or start generator 0 earlier");
            }
            Thread.sleep(200);
        }
    }

    private LoadRun runRate(ScenarioWorkload workload, double r, int conns, long warm, long dur, long startAt, Path out,
                            PrintStream progress) throws InterruptedException {
        Scenario s = scenario;
        String target = target();
        OpenLoopRunner runner = new OpenLoopRunner(new OpenLoopRunner.Config(r, s.arrivals() == Scenario.Arrivals.POISSON,
                conns, warm, dur, 1_000_000_000L, sharing.index(), sharing.count(), startAt, sharing.clockOffsetNanos()), workload);
        current = runner;
        Faults faults = s.faults().isEmpty() ? null : new Faults(s.faults(), stack, runEndpoints);
        FaultWatch watch = new FaultWatch();
        String durability = null;
        FaultRun faultRun = null;
        java.util.concurrent.atomic.AtomicReference<ServerEvents> events = new java.util.concurrent.atomic.AtomicReference<>();
        if (faults != null) {
            durability = faults.applyDurability(s.durability());
            runner.watch(watch);
            boolean redisFaults = s.faults().stream().anyMatch(f -> f.server().equals("redis"));
            // A fault run goes on past its duration until errors have stayed under the objective's bound for
            // FaultRun.RECOVERED_FOR_SECONDS, by at most FaultRun.MAX_EXTENSION_SECONDS ("not recovered by the end").
            double faultAt = s.faults().stream().map(f -> f.at().toNanos() / 1e9).min(Double::compare).orElse(0.0);
            double errorBound = LoadRun.Bounds.of(s.objective()).errorsPercent();
            runner.extendWhile(tl -> Double.isNaN(FaultRun.recovered(tl, faultAt, errorBound)),
                    (long) (FaultRun.MAX_EXTENSION_SECONDS * 1e9));
            runner.onMeasureStart(t -> {
                if (redisFaults) {
                    events.set(ServerEvents.start(runEndpoints, stack, t));
                }
                faults.start(t, watch);
            });
        }
        String file = RunKey.fileName(s.name() + "." + target, new java.util.TreeMap<>(Map.of("rate", String.format(Locale.ROOT, "%.0f", r),
                "connections", String.valueOf(conns)))) + ".hlog";
        Path hlog = out.resolve("histograms").resolve(file);
        List<ScenarioWorkload.Worker> workers = new ArrayList<>();
        OpenLoopRunner.Outcome o = runner.run(hlog, progress, s.name() + " " + target + " @" + (long) r, workers);
        String incomplete = null;
        LoadRun.LostUpdates lost = LoadRun.LostUpdates.NONE;
        List<ServerEvents.Event> seen = null;
        if (faults != null) {
            faults.join(); // a restart or failover still under way finishes before anything is checked
            seen = events.get() == null ? null : events.get().stop();
        }
        // After faults the checks read through a store opened afresh: a client's stale view of the topology is not lost data.
        try (SessionStore checker = faults == null ? null : layout.open(runEndpoints, new Layout.StoreOptions(client,
                SessionPolicy.DEFAULT, 4, false, overrides.keys(), overrides.cluster()))) {
            if (s.mix().getOrDefault(Operation.INCREMENT, 0.0) > 0) {
                try {
                    ScenarioWorkload.LostUpdates counted = workload.lostUpdates(workers, checker == null ? workload.store() : checker);
                    lost = new LoadRun.LostUpdates(counted.lost(), counted.acknowledged(), counted.sessionsGone(), counted.lostAtMost());
                } catch (StoreException e) {
                    incomplete = "lost-update check failed: " + e.getMessage();
                }
            }
            if (faults != null) {
                faultRun = faultRun(faults, watch, durability, workload, o, runner, checker, workers, seen);
            }
        }
        HistogramFiles.writeHgrm(o.allCorrected(), hlog.resolveSibling(file.replace(".hlog", ".corrected.hgrm")));
        HistogramFiles.writeHgrm(o.allUncorrected(), hlog.resolveSibling(file.replace(".hlog", ".uncorrected.hgrm")));
        Map<String, LoadRun.Percentiles> ops = new LinkedHashMap<>();
        o.corrected().forEach((op, h) -> ops.put(op, LoadRun.Percentiles.of(h)));
        LoadRun.Percentiles corrected = LoadRun.Percentiles.of(o.allCorrected());
        double objective = s.objective().p99().toNanos() / 1e3;
        // sustained and meets are set by judged(), from the successes' latency and the objective's bounds
        double seconds = o.interrupted() ? dur / 1e9 : o.measuredSeconds();
        LoadRun run = new LoadRun(s.name(), target, s.arrivals().name().toLowerCase(Locale.ROOT), conns, seconds, o.intendedRate(),
                o.achievedRate(), o.scheduled(), o.ok(), o.misses(), o.notStarted(), o.latePercent(), false,
                o.interrupted(), false, objective, o.errors(), lost, s.updates().name().toLowerCase(Locale.ROOT), corrected,
                LoadRun.Percentiles.of(o.allUncorrected()), ops, o.timeline(), "histograms/" + file, incomplete, faultRun,
                o.successes(), LoadRun.Bounds.of(s.objective())).judged();
        return run;
    }

    /** What the faults did: as fired, the error window and recovery from the calls, and the sessions missing after. */
    private FaultRun faultRun(Faults faults, FaultWatch watch, String durability, ScenarioWorkload workload, OpenLoopRunner.Outcome o,
                              OpenLoopRunner runner, SessionStore checker, List<ScenarioWorkload.Worker> workers,
                              List<ServerEvents.Event> events) throws InterruptedException {
        List<Faults.Fired> fired = faults.join();
        long origin = runner.measureStart();
        Scenario s = scenario;
        LoginLedger.Rules rules = new LoginLedger.Rules(SessionPolicy.DEFAULT.maxSessionsPerUser(), s.ttl().idle().toNanos(),
                s.ttl().absolute().toNanos());
        LoginLedger.Check c;
        try {
            c = workload.lostSessions(workers, rules, checker);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            c = new LoginLedger.Check(0, -1, 0, 0, 0, Map.of(), null);
        }
        return new FaultRun(durability, overrides.cluster().text().isEmpty() ? "library defaults" : overrides.cluster().text(), fired,
                o.errorsPerInterval(), watch.firstErrorSeconds(origin), watch.lastErrorSeconds(origin),
                watch.firstSuccessAfterErrorSeconds(origin), c.checked(), c.lost(), c.unreadable(), c.excluded(),
                c.lost() > 0 ? (c.firstLostNanos() - origin) / 1e9 : null, c.lost() > 0 ? (c.lastLostNanos() - origin) / 1e9 : null, events,
                Math.max(0, o.measuredSeconds() - runner.plannedSeconds()));
    }
}
