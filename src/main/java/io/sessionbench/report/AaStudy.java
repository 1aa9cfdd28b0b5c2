package io.sessionbench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An A/A study of the bench verdict on real runs: every benchmark with at least four undisturbed forks is split into
 * two names, its forks of odd and of even rank in the order they ran (interleaved rounds, so both halves meet the same
 * drift), and the two halves of one backend are judged against each other as a ranking table of {@code tableSize}
 * backends judges a backend against the fastest: the higher half as the fastest, the other's ratio to it, the
 * between-fork variance pooled over all halves of the run on the same server ({@link NoisePrior}). Any "slower" or
 * "faster" is a false call. The same pairs judged on their own forks only (no pooling) are counted beside.
 */
public final class AaStudy {
    /** The counts of one study. */
    public record Result(int pairs, int falsePooled, int falseAlone, int resolvedPooled, int resolvedAlone, List<String> rows) {
    }

    private AaStudy() {
    }

    /** The counts as pairs are judged: one A/A pair judged with pooled noise and on its own forks. */
    private static final class Tally {
        int pairs;
        int falsePooled;
        int falseAlone;
        int resolvedPooled;
        int resolvedAlone;
        final List<String> rows = new ArrayList<>();

        /**
         * Judges {@code a} and {@code b} of one backend, the higher as the fastest, and adds its row ({@code where}: the
         * run or runs) when {@code everyRow} or when either judgement called it.
         */
        void judge(String where, BenchRecord benchmark, Judge.Sample a, NoisePrior pa, Judge.Sample b, NoisePrior pb,
                   Judge.Rules rules, boolean everyRow) {
            boolean aFirst = a.value() >= b.value();
            Judge.Sample best = aFirst ? a : b;
            Judge.Sample other = aFirst ? b : a;
            Judge.Change pooled = Judge.moderated(best, other, aFirst ? pa : pb, aFirst ? pb : pa, true, rules);
            Judge.Change alone = Judge.moderated(best, other, NoisePrior.none(""), NoisePrior.none(""), true, rules);
            pairs++;
            falsePooled += called(pooled) ? 1 : 0;
            falseAlone += called(alone) ? 1 : 0;
            resolvedPooled += pooled.resolved(rules) ? 1 : 0;
            resolvedAlone += alone.resolved(rules) ? 1 : 0;
            if (everyRow || called(pooled) || called(alone)) {
                rows.add(String.format(Locale.ROOT, "| %s | %s | %d + %d | %.3f | %s | %s | %s | %s |", where, benchmark.shortName(),
                        a.units(), b.units(), other.value() / best.value(), pooled.verdict().words(), pooled.resolutionText(),
                        alone.verdict().words(), alone.resolutionText()));
            }
        }

        Result result() {
            return new Result(pairs, falsePooled, falseAlone, resolvedPooled, resolvedAlone, rows);
        }
    }

    /** A verdict table of {@code tableSize} backends' rule for one comparison with its fastest. */
    private static Judge.Rules rules(int tableSize) {
        return Judge.Rules.of(Verdict.THRESHOLD_PERCENT, Judge.DEFAULT_MIN_CHANGE_PERCENT, 2 * Math.max(1, tableSize - 1));
    }

    public static Result of(List<Path> runs, int tableSize) {
        Judge.Rules rules = rules(tableSize);
        Tally tally = new Tally();
        for (Path run : runs) {
            Map<BenchRecord, Judge.Sample[]> halves = new LinkedHashMap<>();
            List<Map.Entry<BenchRecord, double[]>> logs = new ArrayList<>();
            for (BenchRecord r : BenchRecord.read(BenchRecord.jmhFile(run))) {
                List<Judge.Sample> forks = r.undisturbed(r.primary()).topUnits();
                if (forks.size() < 4) {
                    continue;
                }
                List<Judge.Sample> odd = new ArrayList<>();
                List<Judge.Sample> even = new ArrayList<>();
                for (int i = 0; i < forks.size(); i++) {
                    (i % 2 == 0 ? odd : even).add(forks.get(i));
                }
                Judge.Sample a = Judge.Sample.of(odd);
                Judge.Sample b = Judge.Sample.of(even);
                halves.put(r, new Judge.Sample[] {a, b});
                logs.add(Map.entry(r, Judge.forkLogs(a)));
                logs.add(Map.entry(r, Judge.forkLogs(b)));
            }
            NoisePrior.Table priors = NoisePrior.Table.fit(logs);
            for (Map.Entry<BenchRecord, Judge.Sample[]> e : halves.entrySet()) {
                Judge.Sample[] h = e.getValue();
                NoisePrior prior = priors.of(e.getKey());
                tally.judge(run.getFileName().toString(), e.getKey(), h[0], prior, h[1], prior, rules, true);
            }
        }
        return tally.result();
    }

    /**
     * Same-build runs against each other: for every two runs and every benchmark both ran on two forks or more, the
     * run with the higher value as the fastest and the other judged against it, each side's noise pooled within its
     * own run (as that run's verdict pooled it). Run-to-run noise the forks of one run cannot see shows here.
     */
    public static Result across(List<Path> runs, int tableSize) {
        Judge.Rules rules = rules(tableSize);
        List<Map<String, BenchRecord>> records = new ArrayList<>();
        List<NoisePrior.Table> priors = new ArrayList<>();
        for (Path run : runs) {
            Map<String, BenchRecord> byKey = new LinkedHashMap<>();
            List<Map.Entry<BenchRecord, double[]>> logs = new ArrayList<>();
            for (BenchRecord r : BenchRecord.read(BenchRecord.jmhFile(run))) {
                byKey.put(r.key(), r);
                logs.add(Map.entry(r, Judge.forkLogs(r.undisturbed(r.primary()))));
            }
            records.add(byKey);
            priors.add(NoisePrior.Table.fit(logs));
        }
        Tally tally = new Tally();
        for (int i = 0; i < runs.size(); i++) {
            for (int j = i + 1; j < runs.size(); j++) {
                for (Map.Entry<String, BenchRecord> e : records.get(i).entrySet()) {
                    BenchRecord other = records.get(j).get(e.getKey());
                    if (other == null) {
                        continue;
                    }
                    Judge.Sample a = e.getValue().undisturbed(e.getValue().primary());
                    Judge.Sample b = other.undisturbed(other.primary());
                    if (a.units() < 2 || b.units() < 2) {
                        continue;
                    }
                    tally.judge(runs.get(i).getFileName() + " vs " + runs.get(j).getFileName(), e.getValue(), a, priors.get(i).of(e.getValue()),
                            b, priors.get(j).of(other), rules, false);
                }
            }
        }
        return tally.result();
    }

    private static boolean called(Judge.Change c) {
        return c.verdict() == Judge.Verdict.SLOWER || c.verdict() == Judge.Verdict.FASTER;
    }

    /** The study as Markdown: within runs (split forks), then across runs, each with its counts first. */
    public static String markdown(List<Path> runs, int tableSize) {
        Result r = of(runs, tableSize);
        StringBuilder b = new StringBuilder("# A/A study of the bench verdict\n\n## Within each run: one backend under two names\n\n");
        b.append(String.format(Locale.ROOT, "Each benchmark's forks split into odd and even rounds, judged against each other as a "
                        + "table of %d backends judges one against its fastest. Pooled noise (the verdict's): **%d of %d** pairs called "
                        + "slower or faster (%.1f %%), %d resolved to ±%.0f %%. On their own forks only: %d of %d (%.1f %%), %d resolved.%n%n",
                tableSize, r.falsePooled(), r.pairs(), r.pairs() == 0 ? 0 : 100.0 * r.falsePooled() / r.pairs(), r.resolvedPooled(),
                Verdict.THRESHOLD_PERCENT, r.falseAlone(), r.pairs(), r.pairs() == 0 ? 0 : 100.0 * r.falseAlone() / r.pairs(),
                r.resolvedAlone()));
        b.append("| run | benchmark | forks | ratio | pooled | resolution | alone | resolution |\n|---|---|---:|---:|---|---:|---|---:|\n");
        r.rows().forEach(row -> b.append(row).append('\n'));
        if (runs.size() > 1) {
            Result x = across(runs, tableSize);
            b.append(String.format(Locale.ROOT, "%n## Across runs of one build: each benchmark in one run against the same in "
                            + "another%n%nPooled noise: **%d of %d** pairs called slower or faster (%.1f %%), %d resolved to ±%.0f %%. "
                            + "On their own forks only: %d of %d (%.1f %%), %d resolved. The pairs called either way:%n%n",
                    x.falsePooled(), x.pairs(), x.pairs() == 0 ? 0 : 100.0 * x.falsePooled() / x.pairs(), x.resolvedPooled(),
                    Verdict.THRESHOLD_PERCENT, x.falseAlone(), x.pairs(), x.pairs() == 0 ? 0 : 100.0 * x.falseAlone() / x.pairs(),
                    x.resolvedAlone()));
            b.append("| runs | benchmark | forks | ratio | pooled | resolution | alone | resolution |\n|---|---|---:|---:|---|---:|---|---:|\n");
            x.rows().forEach(row -> b.append(row).append('\n'));
        }
        return b.toString();
    }
}
