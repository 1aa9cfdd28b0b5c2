package io.sessionbench.cli;

import io.sessionbench.report.Comparison;
import io.sessionbench.report.Judge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compare BASELINE CURRENT}: two sets of runs judged metric by metric (see {@link Comparison}). Exit codes are
 * {@link Judge#exitCode}'s: 0 no regression, 1 a regression, 3 a metric neither shown unchanged nor resolved.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Judge two sets of runs metric by metric; exit 1 on a regression.",
        description = {"Compare two sides (results folders or JMH JSON files; several per side, comma-separated).",
                "Each side's value is the geometric mean over its forks (and runs) of the median per fork; disturbed",
                "iterations are left out. The change has an interval from a hierarchical bootstrap (runs, forks,",
                "iterations) with Student's t, the false-alarm rate shared by the metrics judged; no verdict rests on",
                "one fork. Verdicts: slower, faster, no change (whole interval within +-threshold), inconclusive.",
                "For base against head builds on one machine, 'gate' runs them interleaved and pairs them: use it.",
                "Exit codes: 0 no regression, 1 a regression, 3 a metric neither shown unchanged (whole interval within",
                "+-threshold) nor resolved to the threshold (too few forks, too noisy, disturbed or missing) unless",
                "--allow-unjudged, 2 bad usage."})
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BASELINE", split = ",", description = "baseline run(s)")
    List<Path> baseline;

    @Parameters(index = "1", paramLabel = "CURRENT", split = ",", description = "current run(s)")
    List<Path> current;

    @Option(names = "--threshold", defaultValue = "15", description = "the slowdown that must be caught, and the half-width of 'no change', percent (default ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--min-change", defaultValue = "5", description = "smaller slowdowns are not called regressions, percent (default ${DEFAULT-VALUE})")
    double minChange;

    @Option(names = "--metrics", split = ",", defaultValue = "score,p50,p99", description = "metrics to judge (default ${DEFAULT-VALUE})")
    List<String> metrics;

    @Option(names = "--headline", description = "judge only the headline metrics: request ok/s and P99, 2 KB, 1 thread, 1 in flight")
    boolean headlineOnly;

    @Option(names = "--allow-unjudged", description = "exit 0 rather than 3 when some metrics are not resolved (no regression found)")
    boolean allowUnjudged;

    /** {@code request redis-hash/lettuce 2 KB, load postgres 2 KB and 3 more}: what one side ran. */
    static String benchmarks(List<Path> side) {
        List<String> names = new java.util.ArrayList<>();
        for (Path p : side) {
            try {
                io.sessionbench.report.BenchRecord.read(io.sessionbench.report.BenchRecord.jmhFile(p)).forEach(r -> {
                    if (!names.contains(r.shortName())) {
                        names.add(r.shortName());
                    }
                });
            } catch (RuntimeException unreadable) {
                names.add("nothing readable in " + p);
            }
        }
        if (names.isEmpty()) {
            return "no benchmark";
        }
        return String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? " and " + (names.size() - 3) + " more" : "");
    }

    @Override
    public Integer call() {
        for (Path p : concat(baseline, current)) {
            if (!Files.exists(p)) {
                throw new io.sessionbench.infra.ConfigException(p + " does not exist; give results folders or JMH JSON files");
            }
        }
        if (threshold <= 0 || minChange < 0 || minChange >= threshold) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--threshold must be above 0 percent and --min-change between 0 and the threshold");
        }
        Comparison comparison = new Comparison(Judge.Rules.of(threshold, minChange, 1), metrics);
        List<Comparison.Line> lines = comparison.compare(baseline, current, l -> !headlineOnly || l.headline());
        if (lines.stream().allMatch(Comparison.Line::missing)) {
            // not noise: the two sides measured different things, which no number of forks would judge
            throw new io.sessionbench.infra.ConfigException("nothing in common to compare" + (headlineOnly ? " with --headline" : "")
                    + ": the baseline has " + benchmarks(baseline) + "; the current run has " + benchmarks(current)
                    + "; give runs of the same benchmarks");
        }
        Judge.Rules rules = comparison.rules(lines);
        System.out.print(table(lines));
        double canaryB = Comparison.canaryMicros(baseline);
        double canaryC = Comparison.canaryMicros(current);
        if (!Double.isNaN(canaryB) && !Double.isNaN(canaryC)) {
            System.out.printf(Locale.ROOT, "machine speed (fixed loop between iterations, median): baseline %.0f µs, current %.0f µs "
                    + "(%+.1f%%; positive = the current side ran on a slower machine)%n", canaryB, canaryC, 100 * (canaryC / canaryB - 1));
        }
        Comparison.Outcome outcome = Comparison.outcome(lines, rules, allowUnjudged);
        System.out.printf(Locale.ROOT, "%d metric(s) compared at a shared %.0f %% false-alarm rate: %d slower, %d neither shown unchanged "
                + "within ±%.0f %% nor resolved to it%s%n", outcome.judged(), 100 * rules.familyAlpha(), outcome.slower(),
                outcome.unresolved(), threshold, outcome.missing() == 0 ? "" : "; " + outcome.missing() + " in the baseline only (missing from the current run)");
        System.out.println(outcome.verdict());
        return outcome.exitCode();
    }

    static String table(List<Comparison.Line> lines) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-13s %-34s %10s %10s  %-11s %-44s %s%n", "verdict",
                "change [interval] (confidence)", "baseline", "current", "resolution", "benchmark · metric", "per side"));
        for (Comparison.Line l : lines) {
            if (l.missing()) {
                b.append(String.format(Locale.ROOT, "%-13s %-34s %10.1f %10s  %-11s %-44s%n", "missing", "not in the current run",
                        l.baseline(), "–", "–", l.name() + " · " + l.metric()));
                continue;
            }
            Judge.Change c = l.change();
            String need = c.unitsNeeded() < 0 ? "≥ 2" : c.unitsNeeded() > c.units() ? c.units() + " → " + c.unitsNeeded()
                    : String.valueOf(c.units());
            b.append(String.format(Locale.ROOT, "%-13s %-34s %10.1f %10.1f  %-11s %-44s %s%n", c.verdict().words(), c.interval(),
                    l.baseline(), l.current(), c.resolutionText(), l.name() + " · " + l.metric(), need));
        }
        return b.toString();
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
