package io.sessionbench.metrics;

import java.util.Map;
import java.util.StringJoiner;

/** Names a benchmark × parameter set the same way in file names, reports and comparisons. */
public final class RunKey {
    private RunKey() {
    }

    /** {@code SessionOps.request_layout=redis-hash_sessionBytes=2048}; package names dropped, unsafe characters replaced. */
    public static String fileName(String benchmark, Map<String, String> params) {
        String[] parts = benchmark.split("\\.");
        String shortName = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
        StringJoiner j = new StringJoiner("_");
        j.add(shortName);
        // The default key design is left out, so runs from before it was a parameter keep their names and still match.
        params.forEach((k, v) -> {
            if (!(k.equals("keys") && v.equals("session"))) {
                j.add(k + "=" + v);
            }
        });
        return j.toString().replaceAll("[^A-Za-z0-9._=-]", "-");
    }

    /** {@link #fileName(String, Map)} plus the thread count, {@code _t<threads>}: every parameter of a run is in its name. */
    public static String fileName(String benchmark, Map<String, String> params, int threads) {
        return fileName(benchmark, params) + "_t" + threads;
    }
}
