package io.sessionbench.scenario;

import io.sessionbench.store.SessionId;
import io.sessionbench.store.SessionStore;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * A scenario's sessions and request mix bound to one store: preloads {@code users × sessionsPerUser} sessions, and
 * gives each worker precomputed operation and key sequences, so choosing a request costs an array read. Tracks the
 * last value each worker wrote to each session, to count lost updates afterwards.
 */
public final class ScenarioWorkload {
    private static final int LENGTH = 1 << 16;
    private static final int MASK = LENGTH - 1;

    private final Scenario scenario;
    private final SessionStore store;
    private final Scenario.Operation[] operations = Scenario.Operation.values();
    private final AtomicReferenceArray<SessionId> slots;
    /** Slots whose session a login or logout replaced; their earlier writes went to a session that is gone. */
    private final java.util.concurrent.atomic.AtomicIntegerArray replaced;
    private final int[] sizes;
    private final String runTag = Long.toString(System.nanoTime(), 36);

    public ScenarioWorkload(Scenario scenario, SessionStore store) {
        this.scenario = scenario;
        this.store = store;
        int n = scenario.users().count() * scenario.users().sessionsPerUser();
        this.slots = new AtomicReferenceArray<>(n);
        this.replaced = new java.util.concurrent.atomic.AtomicIntegerArray(n);
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

    String user(int slot) {
        return "lg-" + runTag + "-" + (slot / scenario.users().sessionsPerUser());
    }

    /** Creates every session on {@code threads} threads (preloading is latency-bound). */
    public void preload(int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            java.util.List<Future<?>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int start = t;
                fs.add(pool.submit(() -> {
                    for (int i = start; i < slots.length(); i += threads) {
                        slots.set(i, store.create(user(i), Workload.attributes(i, sizes[i])).id());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Removes the preloaded users' sessions. */
    public void cleanup() {
        for (int u = 0; u < scenario.users().count(); u++) {
            store.invalidateAll(user(u * scenario.users().sessionsPerUser()));
        }
    }

    /** One worker's view: its own sequences and its own record of values written. */
    public final class Worker {
        final int id;
        final int[] ops = new int[LENGTH];
        final int[] keys = new int[LENGTH];
        final long[] lastWritten;
        int cursor;
        long counter;
        final String field;

        Worker(int id, long seed) {
            this.id = id;
            this.field = "cart_w" + id;
            this.lastWritten = new long[slots.length()];
            UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
            double[] cumulative = new double[operations.length];
            double acc = 0;
            for (int i = 0; i < operations.length; i++) {
                acc += scenario.mix().getOrDefault(operations[i], 0.0);
                cumulative[i] = acc;
            }
            for (int i = 0; i < LENGTH; i++) {
                double x = rng.nextDouble() * acc;
                int op = 0;
                while (op < operations.length - 1 && x >= cumulative[op]) {
                    op++;
                }
                ops[i] = op;
            }
            int n = slots.length();
            Scenario.Users u = scenario.users();
            switch (u.distribution()) {
                case UNIFORM -> {
                    for (int i = 0; i < LENGTH; i++) {
                        keys[i] = rng.nextInt(n);
                    }
                }
                case ZIPFIAN -> {
                    SharedStateDiscreteSampler z = RejectionInversionZipfSampler.of(rng, n, 0.99);
                    for (int i = 0; i < LENGTH; i++) {
                        keys[i] = (int) ((z.sample() - 1) * 2654435761L % n);
                    }
                }
                case HOTSPOT -> {
                    int hot = Math.max(1, (int) (n * u.hotFraction()));
                    for (int i = 0; i < LENGTH; i++) {
                        keys[i] = rng.nextDouble() < u.hotShare() ? rng.nextInt(hot) : hot + rng.nextInt(Math.max(1, n - hot)) % n;
                    }
                }
                default -> throw new IllegalStateException();
            }
        }

        /** Runs the next request of the mix; returns the operation's ordinal. Misses return normally. */
        public int next() {
            int i = cursor++ & MASK;
            int op = ops[i];
            int slot = keys[i];
            SessionId id = slots.get(slot);
            switch (operations[op]) {
                case REQUEST -> store.request(id, Workload.CHECKS);
                case READ_ATTRIBUTE -> store.attribute(id, "perms");
                case LOAD -> store.load(id);
                case TOUCH -> store.touch(id);
                case UPDATE_ATTRIBUTE -> {
                    long v = ++counter;
                    if (store.setAttribute(id, field, Long.toString(v))) {
                        lastWritten[slot] = v;
                    }
                }
                case LOGIN -> {
                    replaced.set(slot, 1);
                    slots.set(slot, store.create(user(slot), Workload.attributes(slot, sizes[slot])).id());
                }
                case LOGOUT -> {
                    replaced.set(slot, 1);
                    store.invalidate(id);
                    slots.set(slot, store.create(user(slot), Workload.attributes(slot, sizes[slot])).id());
                }
                default -> throw new IllegalStateException();
            }
            return op;
        }
    }

    public Worker worker(int id) {
        return new Worker(id, 1000 + id);
    }

    public Scenario.Operation operation(int ordinal) {
        return operations[ordinal];
    }

    /**
     * After a run: for every session a worker updated, whether the last value it wrote is still there. An update
     * acknowledged by the store but missing afterwards was lost to a concurrent whole-session write.
     */
    public long lostUpdates(java.util.List<Worker> workers) {
        long lost = 0;
        for (int slot = 0; slot < slots.length(); slot++) {
            boolean written = false;
            for (Worker w : workers) {
                written |= w.lastWritten[slot] != 0;
            }
            if (!written || replaced.get(slot) == 1) {
                continue;
            }
            Map<String, String> attrs = store.load(slots.get(slot)).map(s -> s.attributes()).orElse(Map.of());
            for (Worker w : workers) {
                long expected = w.lastWritten[slot];
                if (expected != 0 && attrs.containsKey(w.field) && Long.parseLong(attrs.get(w.field)) < expected) {
                    lost++;
                } else if (expected != 0 && !attrs.containsKey(w.field)) {
                    lost++;
                }
            }
        }
        return lost;
    }
}
