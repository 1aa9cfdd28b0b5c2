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
        String forks = forks(ok, 0.01);
        String noise = String.format(Locale.ROOT, """
                ,"noise.otherCpu":{"score":%f,"scoreError":0,"scoreUnit":"%%","rawData":%s},
                   "noise.irqCpu":{"score":1,"scoreError":0,"scoreUnit":"%%","rawData":%s}""", otherCpuPercent,
                forks(otherCpuPercent, 0), forks(1, 0));
        return String.format(Locale.ROOT, """
                {"benchmark":"io.sessionbench.bench.SessionOps.request","mode":"thrpt","threads":1,"forks":3,
                 "params":{"layout":"%s","client":"%s","sessionBytes":"2048","liveSessions":"10000","distribution":"uniform",
                   "inFlight":"1","updates":"safe"},
                 "primaryMetric":{"score":%f,"scoreError":1,"scoreUnit":"ops/s","rawData":%s},
                 "secondaryMetrics":{"ok":{"score":%f,"scoreError":1,"scoreUnit":"ops/s","rawData":%s},
                   "errors":{"score":%f,"scoreError":0,"scoreUnit":"ops/s","rawData":%s}%s}}""", layout, client, ok, forks, ok, forks,
                errors, forks(errors, 0), noise);
    }

    private static String forks(double v, double spread) {
        return "[" + String.join(",", List.of(fork(v * (1 - spread)), fork(v), fork(v * (1 + spread)))) + "]";
    }

    private static String fork(double v) {
        return String.format(Locale.ROOT, "[%f,%f,%f,%f]", v, v * 1.002, v * 0.998, v);
    }
}
