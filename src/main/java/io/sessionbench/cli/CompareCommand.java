package io.sessionbench.cli;

import io.sessionbench.report.Comparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code compare BASELINE CURRENT}: the regression gate. Exit 0 no regression, 1 regression, 3 cannot judge. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Judge two sets of runs metric by metric; exit 1 on a regression (the CI gate).",
        description = {"Compare two sides (results folders or JMH JSON files; several per side, comma-separated).",
                "Each metric's change is the ratio of medians with a 95%% bootstrap interval over per-iteration values",
                "(per-run medians when a side has 3 runs or more). Exit codes: 0 no regression, 1 a regression,",
                "3 nothing could be judged for some metric (too noisy, too few samples, or missing) unless",
                "--allow-unjudged, 2 bad usage."})
final class CompareCommand implements Callable<Integer> {
    static final int CANNOT_JUDGE = 3;

    @Parameters(index = "0", paramLabel = "BASELINE", split = ",", description = "baseline run(s)")
    List<Path> baseline;

    @Parameters(index = "1", paramLabel = "CURRENT", split = ",", description = "current run(s)")
    List<Path> current;

    @Option(names = "--threshold", defaultValue = "10", description = "smallest change called a regression, percent (default ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--noise-limit", defaultValue = "25", description = "a metric whose interval's half-width exceeds this percent cannot be judged (default ${DEFAULT-VALUE})")
    double noiseLimit;

    @Option(names = "--metrics", split = ",", defaultValue = "score,p50,p99", description = "metrics to judge (default ${DEFAULT-VALUE})")
    List<String> metrics;

    @Option(names = "--headline", description = "judge only the headline metrics: request throughput and P99, 2 KB, 1 thread, 1 in flight")
    boolean headlineOnly;

    @Option(names = "--allow-unjudged", description = "exit 0 rather than 3 when some metrics cannot be judged (no regression found)")
    boolean allowUnjudged;

    @Override
    public Integer call() {
        for (Path p : concat(baseline, current)) {
            if (!Files.exists(p)) {
                throw new io.sessionbench.infra.ConfigException(p + " does not exist; give results folders or JMH JSON files");
            }
        }
        if (threshold <= 0 || noiseLimit <= 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--threshold and --noise-limit must be above 0 percent");
        }
        List<Comparison.Line> lines = new ArrayList<>(new Comparison(threshold, noiseLimit, metrics).compare(baseline, current));
        if (headlineOnly) {
            lines.removeIf(l -> !l.headline());
        }
        int regressions = 0;
        int unjudged = 0;
        int headline = 0;
        int headlineJudged = 0;
        System.out.printf(Locale.ROOT, "%-12s %8s %14s %14s  %-16s %s%n", "verdict", "change", "baseline", "current", "metric", "benchmark");
        for (Comparison.Line l : lines) {
            System.out.printf(Locale.ROOT, "%-12s %+7.1f%% %14.3f %14.3f  %-16s %s  [%s]%n", l.verdict(), l.changePercent(),
                    l.baseline(), l.current(), l.metric(), l.key(), l.note());
            boolean judged = l.verdict() != Comparison.Verdict.CANNOT_JUDGE && l.verdict() != Comparison.Verdict.MISSING;
            if (l.verdict() == Comparison.Verdict.REGRESSION) {
                regressions++;
            } else if (!judged) {
                unjudged++;
            }
            if (l.headline()) {
                headline++;
                headlineJudged += judged ? 1 : 0;
            }
        }
        double canaryB = Comparison.canaryMicros(baseline);
        double canaryC = Comparison.canaryMicros(current);
        if (!Double.isNaN(canaryB) && !Double.isNaN(canaryC)) {
            System.out.printf(Locale.ROOT, "machine speed (fixed loop between iterations, median): baseline %.0f µs, current %.0f µs "
                    + "(%+.1f%%; positive = the current side ran on a slower machine)%n", canaryB, canaryC, 100 * (canaryC / canaryB - 1));
        }
        System.out.printf(Locale.ROOT, "%d metric(s) compared: %d regression(s) beyond %.1f%%, %d cannot be judged "
                        + "(noise limit %.0f%%); headline metrics judged: %d of %d%n",
                lines.size(), regressions, threshold, unjudged, noiseLimit, headlineJudged, headline);
        if (baseline.size() < 3 || current.size() < 3) {
            System.out.println("note: with fewer than 3 runs per side, the intervals come from iterations and leave out the "
                    + "drift between runs (up to 30 % on the 2-vCPU reference machine); give 3 runs or more per side, "
                    + "interleaved, before trusting a REGRESSION");
        }
        if (lines.isEmpty()) {
            System.out.println("verdict: cannot judge — the two sides have no benchmark and metric in common");
            return CANNOT_JUDGE;
        }
        if (regressions > 0) {
            System.out.println("verdict: REGRESSION (exit 1)");
            return 1;
        }
        if (unjudged > 0 && !allowUnjudged) {
            System.out.println("verdict: cannot judge " + unjudged + " metric(s) (exit 3; --allow-unjudged accepts that)");
            return CANNOT_JUDGE;
        }
        System.out.println("verdict: no regression (exit 0)");
        return 0;
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
