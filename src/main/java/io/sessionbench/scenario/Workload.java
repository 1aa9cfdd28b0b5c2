package io.sessionbench.scenario;

import io.sessionbench.metrics.Operation;
import io.sessionbench.metrics.Operation.Input;
import io.sessionbench.store.SessionId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Session contents and key sequences prepared before measurement, so timed code draws no random numbers:
 * a session of a given size (three small check attributes, a CSRF token, a cart that fills the rest) and a
 * precomputed index sequence, uniform or scrambled Zipfian, that each thread walks with its own cursor.
 */
public final class Workload {
    /** The attributes a web request checks: authentication, permissions, preferences. */
    public static final List<String> CHECKS = List.of("auth", "perms", "prefs");
    public static final String UPDATED = "csrf";
    public static final int SEQUENCE_LENGTH = 1 << 16;
    public static final int MASK = SEQUENCE_LENGTH - 1;

    private Workload() {
    }

    public static String expectedAuth(int i) {
        return "user:" + i;
    }

    /** A session of about {@code bytes} bytes of attribute names and values. */
    public static Map<String, String> attributes(int i, int bytes) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("auth", expectedAuth(i));
        a.put("perms", "read,write,orders:view");
        a.put("prefs", "{\"theme\":\"dark\",\"lang\":\"en\"}");
        a.put(UPDATED, "0000000000000000");
        int used = 0;
        for (Map.Entry<String, String> e : a.entrySet()) {
            used += e.getKey().length() + e.getValue().length();
        }
        int fill = Math.max(0, bytes - used - "cart".length());
        a.put("cart", fill(fill));
        return a;
    }

    /** Fill strings by length, shared (strings are immutable) up to {@link #FILL_CACHE_CHARS} characters in all. */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, String> FILLS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong FILL_CHARS = new java.util.concurrent.atomic.AtomicLong();
    private static final long FILL_CACHE_CHARS = 16L << 20;

    /**
     * {@code n} filler characters. A login during a run builds a whole session: without sharing, each one put a new
     * 2 KB string in the young generation that the memory layout keeps alive, and copying those at every young
     * collection was most of the generator's pause time.
     */
    private static String fill(int n) {
        String f = FILLS.get(n);
        if (f == null) {
            f = "x".repeat(n);
            if (FILL_CHARS.addAndGet(n) <= FILL_CACHE_CHARS) {
                FILLS.putIfAbsent(n, f);
            }
        }
        return f;
    }

    /** Indices into {@code n} sessions: {@code uniform}, or {@code zipfian} (exponent 0.99, ranks scrambled). */
    public static int[] sequence(String distribution, int n, long seed) {
        return sequence(Distribution.of(distribution), n, seed, 0, 0);
    }

    /**
     * The one key sequence every driver walks: {@link #SEQUENCE_LENGTH} indices into {@code n} sessions, uniform,
     * zipfian (exponent 0.99, ranks scrambled by a permutation) or hotspot ({@code hotShare} of the requests go to the
     * first {@code hotFraction} of the sessions).
     */
    public static int[] sequence(Distribution distribution, int n, long seed, double hotFraction, double hotShare) {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        int[] seq = new int[SEQUENCE_LENGTH];
        switch (distribution) {
            case UNIFORM -> {
                for (int i = 0; i < seq.length; i++) {
                    seq[i] = rng.nextInt(n);
                }
            }
            case ZIPFIAN -> {
                SharedStateDiscreteSampler zipf = RejectionInversionZipfSampler.of(rng, n, 0.99);
                int[] scramble = permutation(n, rng);
                for (int i = 0; i < seq.length; i++) {
                    seq[i] = scramble[zipf.sample() - 1];
                }
            }
            case HOTSPOT -> {
                int hot = Math.max(1, Math.min(n, (int) (n * hotFraction)));
                for (int i = 0; i < seq.length; i++) {
                    seq[i] = rng.nextDouble() < hotShare || hot == n ? rng.nextInt(hot) : hot + rng.nextInt(n - hot);
                }
            }
            default -> throw new IllegalStateException();
        }
        return seq;
    }

    /** Work done for every index of 0..n-1. */
    public interface IndexTask {
        void run(int i) throws Exception;
    }

    /**
     * The input of {@code op} on the existing session {@code id}, built before the clock starts: {@code request} reads
     * {@link #CHECKS}, {@code readAttribute} reads {@code perms}, {@code updateAttribute} writes {@code value} to
     * {@code written}, {@code increment} counts in {@code counter}. A {@code create} is built by its caller (it logs in
     * a user; there is no session yet).
     */
    public static Input input(Operation op, SessionId id,
            String written, String value, String counter) {
        return switch (op) {
            case REQUEST -> Input.request(id, CHECKS);
            case READ_ATTRIBUTE -> Input.attribute(id, "perms");
            case UPDATE_ATTRIBUTE -> Input.write(id, written, value);
            case INCREMENT -> Input.attribute(id, counter);
            case LOAD, TOUCH, INVALIDATE -> Input.session(id);
            case CREATE -> throw new IllegalArgumentException("create has no session yet; build its input with Input.login");
        };
    }

    /**
     * Runs {@code task} for 0..n-1 on {@code threads} threads (preloading over a network is latency-bound, not
     * CPU-bound); the first failure is rethrown after every thread has stopped.
     */
    public static void parallel(int n, int threads, IndexTask task) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int start = t;
                fs.add(pool.submit(() -> {
                    for (int i = start; i < n; i += threads) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : fs) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Exception x) {
                        throw x;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The one preload: creates session {@code i} of {@code sizes.applyAsInt(i)} bytes for user {@code users.apply(i)},
     * for every i of 0..n-1, on {@code threads} threads; returns the ids by index.
     */
    public static io.sessionbench.store.SessionId[] preload(io.sessionbench.store.SessionStore store, int n, int threads,
                                                            java.util.function.IntFunction<String> users,
                                                            java.util.function.IntUnaryOperator sizes) throws Exception {
        return preload(store, n, threads, users, sizes, () -> false);
    }

    /** {@link #preload}, abandoned with a {@link java.util.concurrent.CancellationException} once {@code cancelled}. */
    public static io.sessionbench.store.SessionId[] preload(io.sessionbench.store.SessionStore store, int n, int threads,
                                                            java.util.function.IntFunction<String> users,
                                                            java.util.function.IntUnaryOperator sizes,
                                                            java.util.function.BooleanSupplier cancelled) throws Exception {
        io.sessionbench.store.SessionId[] ids = new io.sessionbench.store.SessionId[n];
        parallel(n, threads, i -> {
            if (cancelled.getAsBoolean()) {
                throw new java.util.concurrent.CancellationException("preload stopped");
            }
            ids[i] = store.create(users.apply(i), attributes(i, sizes.applyAsInt(i))).id();
        });
        return ids;
    }

    private static int[] permutation(int n, UniformRandomProvider rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Key distributions. */
    public enum Distribution {
        @com.fasterxml.jackson.annotation.JsonProperty("uniform") UNIFORM,
        @com.fasterxml.jackson.annotation.JsonProperty("zipfian") ZIPFIAN,
        @com.fasterxml.jackson.annotation.JsonProperty("hotspot") HOTSPOT;

        public static Distribution of(String s) {
            for (Distribution d : values()) {
                if (d.name().equalsIgnoreCase(s)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("unknown key distribution '" + s + "'; use uniform, zipfian or hotspot");
        }
    }
}
