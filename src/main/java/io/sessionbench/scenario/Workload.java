package io.sessionbench.scenario;

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
        a.put("cart", "x".repeat(fill));
        return a;
    }

    /** Indices into {@code n} sessions: {@code uniform}, or {@code zipfian} (exponent 0.99, ranks scrambled). */
    public static int[] sequence(String distribution, int n, long seed) {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        int[] seq = new int[SEQUENCE_LENGTH];
        switch (Distribution.of(distribution)) {
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
            default -> throw new IllegalStateException();
        }
        return seq;
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
        UNIFORM, ZIPFIAN;

        public static Distribution of(String s) {
            for (Distribution d : values()) {
                if (d.name().equalsIgnoreCase(s)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("unknown key distribution '" + s + "'; use uniform or zipfian");
        }
    }
}
