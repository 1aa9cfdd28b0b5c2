package io.sessionbench.report;

import io.sessionbench.text.MarkdownTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bench verdicts of several runs side by side ({@code report --across RUN…}): per ranking and backend, each run's
 * ratio to that run's fastest and its judgement; then the pairs of backends judged one way in one run and the other
 * way in another (a verdict that does not reproduce), and every ratio of 1.5× or more that some run left unjudged.
 */
public final class VerdictsAcross {
    /** A clear difference: every run should judge it. */
    static final double CLEAR = 1.5;
    /** Ratios within this band may be ties; beyond it every run should judge them. */
    static final double TIE_LOW = 0.85;
    static final double TIE_HIGH = 1.18;

    private VerdictsAcross() {
    }

    /** One backend's place in one run's ranking. */
    record Cell(double ratio, Verdict.Judgement judgement, int forks, double resolution) {
        String text() {
            return judgement == Verdict.Judgement.BEST ? "**fastest**"
                    : Verdict.times(ratio) + " " + (judgement == Verdict.Judgement.TIED ? "tied" : judgement.words);
        }
    }

    public static String markdown(List<Path> runs) {
        // ranking → backend → cells by run
        Map<String, Map<String, Cell[]>> table = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            Path dir = runs.get(i);
            List<SummaryRow> rows = ReportWriter.rows(dir, BenchRecord.read(BenchRecord.jmhFile(dir)), false);
            for (Verdict v : Verdict.of(Group.of(rows))) {
                Map<String, Cell[]> ranking = table.computeIfAbsent(v.covers(), k -> new LinkedHashMap<>());
                for (Verdict.Entry e : v.ranked()) {
                    ranking.computeIfAbsent(e.target(), k -> new Cell[runs.size()])[i] = new Cell(e.toBest().ratio(), e.judgement(),
                            e.row().record().primary().forks().size(), e.toBest().resolution());
                }
            }
        }
        StringBuilder b = new StringBuilder("## Verdicts of ").append(runs.size()).append(" runs side by side\n\n");
        for (int i = 0; i < runs.size(); i++) {
            b.append(i + 1).append(". `").append(runs.get(i)).append("`\n");
        }
        List<String> flips = new ArrayList<>();
        List<String> unjudged = new ArrayList<>();
        List<String> resolutions = new ArrayList<>();
        int outside = 0;
        int outsideJudged = 0;
        List<String> outsideMissed = new ArrayList<>();
        int clear = 0;
        int oneFork = 0;
        for (Map.Entry<String, Map<String, Cell[]>> ranking : table.entrySet()) {
            b.append("\n### ").append(ranking.getKey()).append("\n\n");
            MarkdownTable t = new MarkdownTable().text("backend");
            for (int i = 0; i < runs.size(); i++) {
                t.number("run " + (i + 1));
            }
            for (Map.Entry<String, Cell[]> row : ranking.getValue().entrySet()) {
                List<Object> cells = new ArrayList<>(List.of(row.getKey()));
                for (Cell c : row.getValue()) {
                    cells.add(c == null ? "–" : c.text());
                }
                t.row(cells.toArray());
            }
            b.append(t);
            // the resolution each comparison reached, and whether a ratio beyond the tie band was judged in most runs
            double[] res = ranking.getValue().values().stream().flatMap(java.util.Arrays::stream)
                    .filter(c -> c != null && c.judgement() != Verdict.Judgement.BEST && !Double.isNaN(c.resolution()))
                    .mapToDouble(Cell::resolution).toArray();
            resolutions.add(String.format(Locale.ROOT, "%s: %s", ranking.getKey(), res.length == 0 ? "none"
                    : String.format(Locale.ROOT, "%.0f %% (%d comparisons)", Stats.median(res), res.length)));
            for (Map.Entry<String, Cell[]> row : ranking.getValue().entrySet()) {
                long beyond = java.util.Arrays.stream(row.getValue()).filter(c -> c != null && c.judgement() != Verdict.Judgement.BEST
                        && (c.ratio() < TIE_LOW || c.ratio() > TIE_HIGH)).count();
                if (2 * beyond > runs.size()) {
                    outside++;
                    long judged = java.util.Arrays.stream(row.getValue()).filter(c -> c != null && c.judgement() == Verdict.Judgement.SLOWER).count();
                    if (judged >= runs.size() - 1) {
                        outsideJudged++;
                    } else {
                        outsideMissed.add(ranking.getKey() + ": " + row.getKey() + " judged slower in " + judged + " of " + runs.size() + " runs");
                    }
                }
            }
            Map<String, Set<Integer>> slowerThanBest = new LinkedHashMap<>();
            for (int i = 0; i < runs.size(); i++) {
                String best = bestOf(ranking.getValue(), i);
                for (Map.Entry<String, Cell[]> row : ranking.getValue().entrySet()) {
                    Cell c = row.getValue()[i];
                    if (c == null || best == null || row.getKey().equals(best)) {
                        continue;
                    }
                    if (c.judgement() == Verdict.Judgement.SLOWER) {
                        slowerThanBest.computeIfAbsent(best + " > " + row.getKey(), k -> new LinkedHashSet<>()).add(i + 1);
                    }
                    if (c.ratio() <= 1 / CLEAR && c.forks() < 2) {
                        oneFork++;
                    } else if (c.ratio() <= 1 / CLEAR) {
                        clear++;
                        if (c.judgement() != Verdict.Judgement.SLOWER) {
                            unjudged.add(String.format(Locale.ROOT, "%s: %s %.2f× of %s in run %d, %s", ranking.getKey(), row.getKey(),
                                    c.ratio(), best, i + 1, c.judgement().words));
                        }
                    }
                }
            }
            for (Map.Entry<String, Set<Integer>> judged : slowerThanBest.entrySet()) {
                String[] pair = judged.getKey().split(" > ");
                Set<Integer> other = slowerThanBest.get(pair[1] + " > " + pair[0]);
                if (other != null) {
                    flips.add(ranking.getKey() + ": " + pair[0] + " judged faster than " + pair[1] + " in run(s) " + judged.getValue()
                            + ", slower in run(s) " + other);
                }
            }
        }
        b.append("\n### Reproduced?\n\n");
        b.append(flips.isEmpty() ? "- No pair of backends is judged slower in one run and faster in another.\n"
                : "- Judged one way and the other (" + flips.size() / 2 + " pairs):\n" + String.join("\n", flips.stream().map(f -> "  - " + f).toList()) + "\n");
        b.append(String.format(Locale.ROOT, "- Ratios of %.1f× or more (a backend against its run's fastest) measured on two forks or "
                        + "more: %d, judged slower in %d%s\n", CLEAR, clear, clear - unjudged.size(), unjudged.isEmpty() ? "."
                        : "; not judged:\n" + String.join("\n", unjudged.stream().map(u -> "  - " + u).toList())));
        b.append(String.format(Locale.ROOT, "- Backends whose ratio to the fastest lies outside %.2f…%.2f in most runs: %d, judged "
                + "slower in all runs but one at least: %d%s%n", TIE_LOW, TIE_HIGH, outside, outsideJudged, outsideMissed.isEmpty() ? "."
                : "; the others:\n" + String.join("\n", outsideMissed.stream().map(u -> "  - " + u).toList())));
        b.append("- Median resolution per ranking, over its comparisons in every run:\n")
                .append(String.join("\n", resolutions.stream().map(r -> "  - " + r).toList())).append('\n');
        if (oneFork > 0) {
            b.append(String.format(Locale.ROOT, "- Ratios of %.1f× or more measured on one fork (never judged: no verdict rests on one "
                    + "fork): %d.%n", CLEAR, oneFork));
        }
        return b.toString();
    }

    private static String bestOf(Map<String, Cell[]> ranking, int run) {
        return ranking.entrySet().stream().filter(e -> e.getValue()[run] != null && e.getValue()[run].judgement() == Verdict.Judgement.BEST)
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }
}
