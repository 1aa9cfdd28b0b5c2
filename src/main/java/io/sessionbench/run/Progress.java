package io.sessionbench.run;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * One progress line for the whole profile: runs done of all runs, time spent, and time left, estimated from the
 * planned iteration time of the runs left scaled by how long the finished runs took against their plan (forking,
 * preload and the JIT warm-up add seconds per run that the plan does not show). It replaces JMH's own
 * "Run progress … ETA" line, which covers only the current JMH invocation, one section of a profile.
 */
final class Progress {
    /** Seconds a run costs beyond its iterations before any run has finished: fork, preload, JIT warm-up (measured on 2 cores). */
    static final double OVERHEAD_SECONDS_PER_FORK = 6;

    private final PrintStream out;
    private final int total;
    private final double plannedSeconds;
    private final long started = System.nanoTime();
    private int done;
    private double doneSeconds;

    /** @param runs the planned seconds of each fork, in run order (see {@link #forkSeconds}) */
    Progress(PrintStream out, List<Double> runs) {
        this.out = out;
        this.total = runs.size();
        this.plannedSeconds = runs.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The planned seconds of one fork: its iterations plus what a fork costs beyond them. */
    static double forkSeconds(int warmups, long warmupMillis, int iterations, long measurementMillis) {
        return (warmups * warmupMillis + iterations * measurementMillis) / 1000.0 + OVERHEAD_SECONDS_PER_FORK;
    }

    synchronized String line(String what) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        double left = plannedSeconds - doneSeconds;
        if (done > 0 && doneSeconds > 0) {
            left *= elapsed / doneSeconds;
        }
        return String.format(java.util.Locale.ROOT, ">> run %d/%d (%d%%) · %s elapsed · about %s left · %s",
                done + 1, total, total == 0 ? 0 : 100 * done / total, clock(elapsed), clock(left), what);
    }

    synchronized void finished(double runSeconds) {
        done++;
        doneSeconds += runSeconds;
    }

    static String clock(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return d.toHours() > 0 ? String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
    }

    /**
     * JMH's text output for one fork planned to take {@code plannedSeconds}, with the overall line in place of JMH's
     * per-invocation progress line and without JMH's closing table of every metric (the run's summary follows at the end).
     */
    OutputFormat fork(double plannedSeconds) {
        OutputFormat jmh = OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL);
        return new OutputFormat() {
            private String current = "";

            @Override
            public void startBenchmark(BenchmarkParams params) {
                java.util.function.Function<String, String> param = k -> params.getParamsKeys().contains(k) ? params.getParam(k) : "";
                String layout = param.apply("layout");
                String target = io.sessionbench.store.Layout.find(layout).isEmpty() ? layout
                        : io.sessionbench.store.Target.of(layout, param.apply("client").isEmpty() ? null : param.apply("client")).label();
                current = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1) + " " + target
                        + (param.apply("sessionBytes").isEmpty() ? "" : " " + io.sessionbench.report.ReportWriter.bytes(param.apply("sessionBytes")))
                        + (param.apply("inFlight").matches("[2-9]|\\d\\d+") ? " ×" + param.apply("inFlight") + " in flight" : "")
                        + ("naive".equals(param.apply("updates")) ? " naive" : "");
                jmh.startBenchmark(params);
            }

            @Override
            public void endBenchmark(BenchmarkResult result) {
                jmh.endBenchmark(result);
                finished(plannedSeconds);
            }

            @Override
            public void println(String s) {
                if (s != null && s.startsWith("# Run progress:")) {
                    jmh.println(line(current));
                    return;
                }
                jmh.println(s);
            }

            @Override
            public void iteration(BenchmarkParams b, IterationParams i, int n) {
                jmh.iteration(b, i, n);
            }

            @Override
            public void iterationResult(BenchmarkParams b, IterationParams i, int n, IterationResult r) {
                jmh.iterationResult(b, i, n, r);
            }

            @Override
            public void startRun() {
                jmh.startRun();
            }

            @Override
            public void endRun(Collection<RunResult> results) {
                // the fork's own table of every metric is left out
            }

            @Override
            public void print(String s) {
                jmh.print(s);
            }

            @Override
            public void flush() {
                jmh.flush();
            }

            @Override
            public void close() {
                jmh.flush();
            }

            @Override
            public void verbosePrintln(String s) {
                jmh.verbosePrintln(s);
            }

            @Override
            public void write(int b) {
                jmh.write(b);
            }

            @Override
            public void write(byte[] b) throws IOException {
                jmh.write(b);
            }
        };
    }
}
