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

/** {@code compare BASELINE CURRENT}: the regression gate. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two sides (results folders or JMH JSON files; several per side, comma-separated, are",
                "reduced to their median). Exits 1 when a metric regresses beyond the threshold and the noise band."})
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BASELINE", split = ",", description = "baseline run(s)")
    List<Path> baseline;

    @Parameters(index = "1", paramLabel = "CURRENT", split = ",", description = "current run(s)")
    List<Path> current;

    @Option(names = "--threshold", defaultValue = "5", description = "regression threshold in percent (default ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--unstable", defaultValue = "10", description = "a side noisier than this percent is 'unstable', not judged (default ${DEFAULT-VALUE})")
    double unstable;

    @Option(names = "--metrics", split = ",", defaultValue = "score,p50,p99", description = "metrics to judge (default ${DEFAULT-VALUE})")
    List<String> metrics;

    @Override
    public Integer call() {
        for (Path p : concat(baseline, current)) {
            if (!Files.exists(p)) {
                throw new io.sessionbench.infra.ConfigException(p + " does not exist; give results folders or JMH JSON files");
            }
        }
        List<Comparison.Line> lines = new Comparison(threshold, unstable, metrics).compare(baseline, current);
        int regressions = 0;
        int unstableCount = 0;
        System.out.printf(Locale.ROOT, "%-11s %8s %14s %14s  %-26s %s%n", "verdict", "change", "baseline", "current", "metric", "benchmark");
        for (Comparison.Line l : lines) {
            System.out.printf(Locale.ROOT, "%-11s %+7.1f%% %14.3f %14.3f  %-26s %s  [%s]%n", l.verdict(), l.changePercent(),
                    l.baseline(), l.current(), l.metric(), l.key(), l.note());
            if (l.verdict() == Comparison.Verdict.REGRESSION) {
                regressions++;
            } else if (l.verdict() == Comparison.Verdict.UNSTABLE) {
                unstableCount++;
            }
        }
        System.out.printf(Locale.ROOT, "%d metric(s) compared: %d regression(s) beyond %.1f%%, %d unstable (not judged)%n",
                lines.size(), regressions, threshold, unstableCount);
        return regressions > 0 ? 1 : 0;
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
