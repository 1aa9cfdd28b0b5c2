package io.sessionbench.cli;

import io.sessionbench.loadgen.RateSweep;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code load}'s options for several generators sharing one schedule, checked together ({@link RateSweep.Sharing#of}). */
final class SharingOptions {
    @Option(names = "--generator", paramLabel = "I/N", description = "be generator I of N (0-based) sharing one schedule: "
            + "this process runs every N-th request of the scenario's schedule at the total rate; needs --start-at and "
            + "--sessions-dir; 'merge' joins the N results folders")
    String generator;

    @Option(names = "--start-at", paramLabel = "INSTANT", description = "start the schedule at this UTC instant "
            + "(ISO-8601, e.g. 2026-11-28T21:00:00Z), shared by all generators; each rate step of a sweep starts "
            + "warm-up + duration + 5 s after the previous one")
    String startAt;

    @Option(names = "--sessions-dir", paramLabel = "DIR", description = "preloaded sessions shared by generators: "
            + "read from DIR (generator 0 preloads and writes them when absent; the others wait for the file until "
            + "--start-at)")
    Path sessionsDir;

    @Option(names = "--preload-only", description = "preload the scenarios' sessions into --sessions-dir once, then stop "
            + "(before starting N generators)")
    boolean preloadOnly;

    RateSweep.Sharing sharing() {
        return RateSweep.Sharing.of(generator, startAt, sessionsDir, preloadOnly);
    }
}
