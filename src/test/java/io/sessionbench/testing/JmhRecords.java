package io.sessionbench.testing;

import java.util.List;
import java.util.Locale;

/** Synthetic JMH records of the {@code request} benchmark: three forks of four iterations, the forks 1 % apart. */
public final class JmhRecords {
    private JmhRecords() {
    }

    /** {@code ok} successful calls per second on {@code layout} with {@code client}, and {@code errors} failed ones. */
    public static String request(String layout, String client, double ok, double errors) {
        return request(layout, client, ok, errors, 0);
    }

    /**
     * {@link #request(String, String, double, double)} with the noise probe's figures: other processes took
     * {@code otherCpuPercent} of the machine in every iteration (above 10 % marks it disturbed from outside).
     */
    public static String request(String layout, String client, double ok, double errors, double otherCpuPercent) {
        return of("request", layout, client, ok, errors, otherCpuPercent, 3);
    }

    /**
     * A record of benchmark method {@code operation} with {@code forkCount} forks (spread ±1 % around {@code ok}, the
     * first three as {@link #request} has them, further ones repeating them).
     */
    public static String of(String operation, String layout, String client, double ok, double errors, double otherCpuPercent,
                            int forkCount) {
        String forks = forks(ok, 0.01, forkCount);
        String noise = String.format(Locale.ROOT, """
                ,"noise.otherCpu":{"score":%f,"scoreError":0,"scoreUnit":"%%","rawData":%s},
                   "noise.irqCpu":{"score":1,"scoreError":0,"scoreUnit":"%%","rawData":%s}""", otherCpuPercent,
                forks(otherCpuPercent, 0, forkCount), forks(1, 0, forkCount));
        return String.format(Locale.ROOT, """
                {"benchmark":"io.sessionbench.bench.SessionOps.%s","mode":"thrpt","threads":1,"forks":%d,
                 "params":{"layout":"%s","client":"%s","sessionBytes":"2048","liveSessions":"10000","distribution":"uniform",
                   "inFlight":"1","updates":"safe"},
                 "primaryMetric":{"score":%f,"scoreError":1,"scoreUnit":"ops/s","rawData":%s},
                 "secondaryMetrics":{"ok":{"score":%f,"scoreError":1,"scoreUnit":"ops/s","rawData":%s},
                   "errors":{"score":%f,"scoreError":0,"scoreUnit":"ops/s","rawData":%s}%s}}""", operation, forkCount, layout, client,
                ok, forks, ok, forks, errors, forks(errors, 0, forkCount), noise);
    }

    private static String forks(double v, double spread, int count) {
        List<String> three = List.of(fork(v * (1 - spread)), fork(v), fork(v * (1 + spread)));
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(three.get(i % 3));
        }
        return "[" + String.join(",", out) + "]";
    }

    private static String fork(double v) {
        return String.format(Locale.ROOT, "[%f,%f,%f,%f]", v, v * 1.002, v * 0.998, v);
    }
}
