package io.sessionbench.scenario;

import io.sessionbench.metrics.MeasuredCall;
import io.sessionbench.metrics.Operation;
import io.sessionbench.store.Session;
import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionStore;
import io.sessionbench.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A scenario's sessions and request mix bound to one store: preloads {@code users × sessionsPerUser} sessions with
 * {@link Workload#preload}, and gives each worker precomputed operation and key sequences ({@link Workload#sequence}),
 * so choosing a request costs an array read. Every store call goes through the worker's {@link MeasuredCall}.
 * Every call is built before the clock starts and made through the one catalogue ({@link Operation#invoke}). Lost
 * updates are counted exactly ({@link UpdateLedger}): each worker's {@link Operation#INCREMENT} reads its own counter
 * attribute, adds one and writes it back; a session replaced by a login or logout starts a new generation.
 */
public final class ScenarioWorkload {
    private final Scenario scenario;
    private final SessionStore store;
    private final Operation[] operations = Operation.values();
    /** The live session of each slot and how many times a login or logout replaced it. */
    private final AtomicReferenceArray<Slot> slots;
    private final int[] sizes;
    private String runTag = Long.toString(System.nanoTime(), 36);
    /** This generator's index and the number of generators sharing the schedule (0 of 1 alone). */
    private int generator;
    private int generators = 1;
    /** When the sessions in the slots were first created at the earliest (System.nanoTime; unknown: far in the past). */
    private long preloadedSince = Long.MIN_VALUE / 4;
    /** The slots' sessions when the current run started, for the loss check. */
    private SessionId[] atRunStart = new SessionId[0];

    private record Slot(SessionId id, int generation) {
    }

    public ScenarioWorkload(Scenario scenario, SessionStore store) {
        this.scenario = scenario;
        this.store = store;
        int n = scenario.users().count() * scenario.users().sessionsPerUser();
        this.slots = new AtomicReferenceArray<>(n);
        this.sizes = new int[n];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            int min = scenario.sessionBytes().min();
            int max = scenario.sessionBytes().max();
            sizes[i] = max == min ? min : min + r.nextInt(max - min + 1);
        }
    }

    public int sessions() {
        return slots.length();
    }

    /**
     * Makes this workload generator {@code index} of {@code count}: its workers take the lanes {@code index × W + w}
     * of all generators' workers, so their key and operation sequences and their increment counters differ from the
     * other generators'.
     */
    public ScenarioWorkload asGenerator(int index, int count) {
        this.generator = index;
        this.generators = count;
        return this;
    }

    /**
     * Writes the preloaded sessions (user tag and ids, one per slot) for the other generators; the file is written
     * beside and moved into place, so a reader never sees half of it.
     */
    public void writeSessions(java.nio.file.Path file) throws java.io.IOException {
        StringBuilder b = new StringBuilder("# sessionbench sessions: scenario ").append(scenario.name()).append(", ")
                .append(slots.length()).append(" slots, preload started at ")
                .append(io.sessionbench.loadgen.LocalClock.epochNanos() - (System.nanoTime() - preloadedSince))
                .append(" ns since the epoch\nrunTag ").append(runTag).append('\n');
        for (int i = 0; i < slots.length(); i++) {
            b.append(slots.get(i).id().value()).append('\n');
        }
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.nio.file.Files.writeString(tmp, b);
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Uses the sessions another process preloaded ({@link #writeSessions}) instead of preloading. */
    public void readSessions(java.nio.file.Path file) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(file);
        if (lines.size() != slots.length() + 2 || !lines.get(1).startsWith("runTag ")) {
            throw new io.sessionbench.infra.ConfigException(file + " holds " + Math.max(0, lines.size() - 2) + " sessions, not the "
                    + slots.length() + " of scenario '" + scenario.name() + "'; preload again with 'load --preload-only' for this scenario");
        }
        runTag = lines.get(1).substring("runTag ".length()).trim();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("preload started at (-?\\d+) ns").matcher(lines.get(0));
        if (m.find()) {
            preloadedSince = System.nanoTime() - (io.sessionbench.loadgen.LocalClock.epochNanos() - Long.parseLong(m.group(1)));
        }
        for (int i = 0; i < slots.length(); i++) {
            try {
                slots.set(i, new Slot(SessionId.parse(lines.get(i + 2).trim()), 0));
            } catch (IllegalArgumentException e) {
                throw new io.sessionbench.infra.ConfigException(file + " line " + (i + 3) + " is not a session id (" + e.getMessage()
                        + "); preload again with 'load --preload-only'");
            }
        }
    }

    public String user(int slot) {
        return "lg-" + runTag + "-" + (slot / scenario.users().sessionsPerUser());
    }

    /** Creates every session on {@code threads} threads (preloading is latency-bound). */
    public void preload(int threads) throws Exception {
        preload(threads, () -> false);
    }

    /** {@link #preload(int)} that stops early (CancellationException) once {@code cancelled} says so (Ctrl-C). */
    public void preload(int threads, java.util.function.BooleanSupplier cancelled) throws Exception {
        preloadedSince = System.nanoTime();
        SessionId[] ids = Workload.preload(store, slots.length(), threads, this::user, i -> sizes[i], cancelled);
        for (int i = 0; i < ids.length; i++) {
            slots.set(i, new Slot(ids[i], 0));
        }
        store.settle();
    }

    /**
     * Removes the preloaded users' sessions; a store failure does not stop the cleanup of the others. Returns the
     * first failure's message, or null when every user was cleaned up.
     */
    public String cleanup() {
        String first = null;
        int failed = 0;
        for (int u = 0; u < scenario.users().count(); u++) {
            try {
                store.invalidateAll(user(u * scenario.users().sessionsPerUser()));
            } catch (StoreException e) {
                failed++;
                if (first == null) {
                    first = e.getMessage();
                }
            }
        }
        return first == null ? null : "cleanup failed for " + failed + " user(s): " + first;
    }

    /** One worker's view: its own sequences, its own counter attribute and its acknowledged increments. */
    public final class Worker {
        final int id;
        final int[] ops = new int[Workload.SEQUENCE_LENGTH];
        final int[] keys;
        /** This worker's increments: its own counter attribute, acknowledged increments per slot and generation. */
        final UpdateLedger ledger;
        /** This worker's logins and logouts, every acknowledged one checked after a fault. */
        final LoginLedger logins = new LoginLedger();
        int cursor;
        /** The attribute this worker's blind updates write. */
        final String cart;

        Worker(int id, long seed) {
            this.id = id;
            this.cart = "cart_w" + id;
            // Increment counts per session only when the mix increments: n × workers longs add up on big populations.
            boolean increments = scenario.mix().getOrDefault(Operation.INCREMENT, 0.0) > 0;
            this.ledger = new UpdateLedger(generators == 1 ? "cnt_w" + id : "cnt_g" + generator + "_w" + id,
                    increments ? slots.length() : 0);
            SplittableRandom rng = new SplittableRandom(seed);
            double[] cumulative = new double[operations.length];
            double acc = 0;
            for (int i = 0; i < operations.length; i++) {
                acc += scenario.mix().getOrDefault(operations[i], 0.0);
                cumulative[i] = acc;
            }
            for (int i = 0; i < ops.length; i++) {
                double x = rng.nextDouble() * acc;
                int op = 0;
                while (op < operations.length - 1 && x >= cumulative[op]) {
                    op++;
                }
                ops[i] = op;
            }
            Scenario.Users u = scenario.users();
            keys = Workload.sequence(u.distribution(), slots.length(), seed, u.hotFraction(), u.hotShare());
        }

        /** The operation the next call of {@link #next} will run. */
        public Operation peek() {
            return operations[ops[cursor & Workload.MASK]];
        }

        /**
         * Runs the next request of the mix through {@code measured}, timed from {@code intended}; returns its
         * operation. A logout re-creates the user's session afterwards, untimed, so the population stays constant.
         */
        public Operation next(MeasuredCall measured, long intended) {
            int i = cursor++ & Workload.MASK;
            Operation op = operations[ops[i]];
            int k = keys[i];
            Slot slot = slots.get(k);
            switch (op) {
                case CREATE -> {
                    // The payload is built before the clock starts, as for every operation.
                    Operation.Input login = Operation.Input.login(user(k), Workload.attributes(k, sizes[k]));
                    int sent = logins.sending(userIndex(k), System.nanoTime());
                    Session s = measured.call(op, intended, store, login);
                    if (s != null) {
                        logins.answered(sent, s.id(), System.nanoTime());
                        replace(k, s.id());
                    }
                }
                case INVALIDATE -> {
                    logins.loggingOut(slot.id());
                    measured.call(op, intended, store, Operation.Input.session(slot.id()));
                    int sent = logins.sending(userIndex(k), System.nanoTime());
                    try {
                        SessionId again = store.create(user(k), Workload.attributes(k, sizes[k])).id();
                        logins.answered(sent, again, System.nanoTime());
                        replace(k, again);
                    } catch (StoreException e) {
                        // the slot keeps its logged-out session: later calls on it are misses, counted as such, and the
                        // loss check leaves it out (the scenario removed it, not the store)
                    }
                }
                case INCREMENT -> {
                    ledger.sending(k, slot.generation(), slot.id());
                    if (Boolean.TRUE.equals(measured.call(op, intended, store, Workload.input(op, slot.id(), cart, null, ledger.counter())))) {
                        ledger.acknowledged(k, slot.generation());
                    }
                }
                case UPDATE_ATTRIBUTE -> measured.call(op, intended, store, Operation.Input.write(slot.id(), cart, Long.toString(cursor)));
                default -> measured.call(op, intended, store, Workload.input(op, slot.id(), cart, null, ledger.counter()));
            }
            return op;
        }
    }

    /** Worker {@code id} of {@code workers} on this generator; its sequences are seeded by its lane among all generators'. */
    public Worker worker(int id, int workers) {
        return new Worker(id, 1000 + (long) generator * workers + id);
    }

    public Worker worker(int id) {
        return worker(id, 1);
    }

    /** The user of slot {@code k}, as an index (slots of one user are adjacent). */
    private int userIndex(int k) {
        return k / scenario.users().sessionsPerUser();
    }

    /** Called as a run starts: the sessions in the slots now are the run's existing ones, checked with its logins. */
    public void runStarting() {
        atRunStart = new SessionId[slots.length()];
        for (int k = 0; k < atRunStart.length; k++) {
            Slot s = slots.get(k);
            atRunStart[k] = s == null ? null : s.id();
        }
    }

    /**
     * After a run: every session the store acknowledged, the run's existing ones (by generator 0 alone, when several
     * share them) and each worker's logins, looked up through {@code checker} (a store opened afresh, so a client's
     * stale view of the topology is not taken for lost data), leaving out what {@code rules} or the scenario's own
     * logouts may have removed ({@link LoginLedger}).
     */
    public LoginLedger.Check lostSessions(List<Worker> workers, LoginLedger.Rules rules, SessionStore checker) throws Exception {
        List<LoginLedger> ledgers = new java.util.ArrayList<>();
        if (generator == 0) {
            int[] users = new int[atRunStart.length];
            for (int k = 0; k < users.length; k++) {
                users[k] = userIndex(k);
            }
            ledgers.add(LoginLedger.existing(atRunStart, users, preloadedSince));
        }
        workers.forEach(w -> ledgers.add(w.logins));
        return LoginLedger.check(ledgers, rules, System.nanoTime(), checker);
    }

    /**
     * Puts {@code id} in slot {@code k} as a new generation, atomically against the slot as it is now: two workers that
     * log the same slot in or out at once each bump the generation, so neither's increments are checked against the
     * other's session.
     */
    private void replace(int k, SessionId id) {
        slots.updateAndGet(k, old -> new Slot(id, old.generation() + 1));
    }

    /** The store this workload runs against. */
    public SessionStore store() {
        return store;
    }

    /** The session currently in slot {@code k} (tests plant a loss by deleting it behind the store's back). */
    public SessionId sessionAt(int k) {
        return slots.get(k).id();
    }

    /** Lost updates after a run, and sessions that could not be checked because they were gone. */
    public record LostUpdates(long lost, long lostAtMost, long acknowledged, long sessionsGone) {
    }

    /**
     * After a run: per session (current generation) and per worker, acknowledged increments minus the counter's final
     * value. A session that expired or was evicted is not a lost update; it is counted in {@code sessionsGone}.
     */
    public LostUpdates lostUpdates(List<Worker> workers) {
        return lostUpdates(workers, store);
    }

    /** {@link #lostUpdates(List)} with the counters read through {@code via} (a store opened afresh after a fault). */
    public LostUpdates lostUpdates(List<Worker> workers, SessionStore via) {
        UpdateLedger.Check c;
        try {
            c = UpdateLedger.check(workers.stream().map(w -> w.ledger).toList(), slots.length(),
                    k -> slots.get(k).id(), k -> slots.get(k).generation(), via);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the lost-update check was interrupted", e);
        }
        if (c.firstFailure() != null) {
            throw c.firstFailure();
        }
        return new LostUpdates(c.lost(), c.lostAtMost(), c.acknowledged(), c.sessionsGone());
    }
}
