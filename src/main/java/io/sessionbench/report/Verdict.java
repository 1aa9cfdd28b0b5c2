package io.sessionbench.report;

import io.sessionbench.text.MarkdownTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The answer a report opens with: for the operation a web request pays ({@code request}), per session size and
 * concurrency the run covered, the real backends ranked by successful calls per second, each one's ratio to the best
 * real backend judged by {@link Judge#moderated} over their forks (disturbed iterations left out; the between-fork
 * variance pooled with the run's other benchmarks on the same server, {@link NoisePrior}): slower, tied (the
 * whole interval within ±threshold) or inconclusive. One fork per backend gives no verdict. {@code memory} is the
 * harness floor, outside the ranking.
 */
public record Verdict(Group group, SummaryRow floor, List<Entry> ranked, String layout, String clientsNote) {
    /** A ratio to the fastest within ±this many percent, the whole interval included, is a tie. */
    public static final double THRESHOLD_PERCENT = Judge.DEFAULT_THRESHOLD_PERCENT;

    /**
     * One ranked backend: its ratio to the best real backend, what the samples say about it, and where its between-fork
     * variance came from ({@link NoisePrior#describe}).
     */
    public record Entry(SummaryRow row, Judge.Change toBest, Judgement judgement, String noise) {
        public String target() {
            return row.record().target();
        }
    }

    public enum Judgement {
        BEST("fastest"), SLOWER("slower"), TIED("tied with the fastest"), INCONCLUSIVE("inconclusive"), DISTURBED("disturbed"),
        FAILED("failed calls: ranked last");

        public final String words;

        Judgement(String words) {
            this.words = words;
        }
    }

    /**
     * The verdicts of a run: one per {@code request} group of layouts, one per layout of a group of Redis clients, and
     * one per group of requests in flight.
     */
    public static List<Verdict> of(List<Group> groups) {
        NoisePrior.Table priors = priors(groups);
        List<Verdict> out = new ArrayList<>();
        for (Group g : groups) {
            String op = g.rows().get(0).record().operation();
            // every table of speeds is judged: request's (what a web request pays) and each other operation's layouts;
            // the contention runs count lost updates, which are said first, not ranked
            if (g.question() == Group.Question.CONTENTION || op.equals("increment")
                    || !op.equals("request") && g.question() != Group.Question.LAYOUTS) {
                continue;
            }
            switch (g.question()) {
                case LAYOUTS -> {
                    boolean redis = g.rows().stream().anyMatch(s -> s.record().store().redis());
                    Group clients = groups.stream().filter(o -> o.question() == Group.Question.CLIENTS && o.setup().equals(g.setup()))
                            .findFirst().orElse(null);
                    String note = !redis || !op.equals("request") ? "" : clients != null ? "Redis layouts are ranked here with Lettuce; each layout's clients are ranked below."
                            + fasterClients(clients) : "Redis layouts ran with Lettuce only in this run: no other client is ranked.";
                    rank(g, g.rows(), null, note, priors).ifPresent(out::add);
                }
                case CLIENTS -> g.panels().forEach((layout, rows) -> rank(g, rows, layout, "", priors).ifPresent(out::add));
                case IN_FLIGHT -> rank(g, g.rows(), null, "", priors).ifPresent(out::add);
                default -> {
                }
            }
        }
        return out;
    }

    /**
     * The noise priors of this run, fitted to every benchmark of every group (each once) on its undisturbed forks:
     * Postgres, Memcached and each Redis client pooled apart, since their forks differ in noise ({@link NoisePrior.Table}).
     */
    static NoisePrior.Table priors(List<Group> groups) {
        java.util.Map<String, SummaryRow> distinct = new java.util.LinkedHashMap<>();
        groups.forEach(g -> g.rows().forEach(r -> distinct.putIfAbsent(r.record().key(), r)));
        return NoisePrior.Table.fit(distinct.values().stream()
                .map(r -> java.util.Map.entry(r.record(), Judge.forkLogs(undisturbed(r)))).toList());
    }

    private static java.util.Optional<Verdict> rank(Group g, List<SummaryRow> rows, String layout, String note,
                                                    NoisePrior.Table priors) {
        // Ranked on the forks the judgement uses (disturbed ones left out), a row that lost most of its forks last.
        List<SummaryRow> real = rows.stream().filter(s -> !s.record().store().layout().floor())
                .filter(s -> g.question() != Group.Question.IN_FLIGHT || s.record().inFlight() > 1)
                .sorted(Comparator.comparing(Verdict::failedCalls).thenComparing(Verdict::mostlyDisturbed)
                        .thenComparingDouble(s -> -rankingValue(s))).toList();
        // one backend is a ranking only for request (the main table of a run against one target); elsewhere none
        if (real.size() < 2 && (layout != null || !g.rows().get(0).record().operation().equals("request")) || real.isEmpty()) {
            return java.util.Optional.empty();
        }
        SummaryRow floor = rows.stream().filter(s -> s.record().store().layout().floor()).findFirst().orElse(null);
        SummaryRow best = real.get(0);
        // Each backend is compared with the one the data ranked first, so which side is the fastest was chosen by the
        // same noise: each comparison is held to a two-sided error rate (half the one-sided one), shared by the table.
        Judge.Rules rules = Judge.Rules.of(THRESHOLD_PERCENT, Judge.DEFAULT_MIN_CHANGE_PERCENT, 2 * Math.max(1, real.size() - 1));
        List<Entry> ranked = new ArrayList<>();
        for (SummaryRow s : real) {
            NoisePrior prior = priors.of(s.record());
            Judge.Change c = Judge.moderated(undisturbed(best), undisturbed(s), priors.of(best.record()), prior, true, rules);
            ranked.add(new Entry(s, c, s == best ? Judgement.BEST : failedCalls(s) ? Judgement.FAILED
                    : mostlyDisturbed(s) ? Judgement.DISTURBED : judge(c), prior.describe(undisturbed(s).units())));
        }
        return java.util.Optional.of(new Verdict(g, floor, ranked, layout, note));
    }

    /** Whether a row had failed calls: such a row ranks after every row without, however fast (correctness first). */
    static boolean failedCalls(SummaryRow s) {
        return s.errors() > 0 || s.lostUpdates() > 0;
    }

    /**
     * Where another client beat the default one on a layout in the same run, said with its figures: " On redis-blob,
     * jedis served more (17,881 against 14,099 ok/s)."
     */
    static String fasterClients(Group clients) {
        StringBuilder b = new StringBuilder();
        clients.panels().forEach((layout, rows) -> {
            SummaryRow def = rows.stream().filter(s -> Group.isDefaultClient(s.record())).findFirst().orElse(null);
            SummaryRow top = rows.stream().filter(s -> !failedCalls(s)).max(Comparator.comparingDouble(Verdict::rankingValue)).orElse(null);
            if (def != null && top != null && top != def) {
                b.append(String.format(Locale.ROOT, " On %s, %s served more calls than %s (%s against %s ok/s; judged in its table below).",
                        layout, top.record().target(), def.record().target(), ReportWriter.fmt(rankingValue(top)),
                        ReportWriter.fmt(rankingValue(def))));
            }
        });
        return b.toString();
    }

    /**
     * Said before any speed, over every benchmark of the run: which had failed calls, and which lost updates with
     * protection on; lost updates of {@code naive} runs (read-modify-write without protection, there to count what it
     * loses) are named as such.
     */
    static String losses(List<SummaryRow> all) {
        List<String> failing = all.stream().filter(r -> r.errors() > 0)
                .map(r -> r.record().shortName() + " " + ReportWriter.count(r.errors())).toList();
        List<String> lostSafe = all.stream().filter(r -> r.lostUpdates() > 0 && !"naive".equals(r.record().params().get("updates")))
                .map(r -> r.record().shortName() + " " + ReportWriter.count(r.lostUpdates())).toList();
        List<String> lostNaive = all.stream().filter(r -> r.lostUpdates() > 0 && "naive".equals(r.record().params().get("updates")))
                .map(r -> r.record().target().replace(" naive", "") + " " + ReportWriter.count(r.lostUpdates())).toList();
        StringBuilder b = new StringBuilder("**Failed or lost, before any speed:** ");
        b.append(failing.isEmpty() ? "no call failed in any of the " + all.size() + " benchmarks"
                : "**failed calls** in " + failing.size() + " of " + all.size() + " benchmarks (" + String.join(", ", failing) + ")");
        b.append(lostSafe.isEmpty() ? "; no update was lost with protection on" : "; **lost updates with protection on**: " + String.join(", ", lostSafe));
        if (!lostNaive.isEmpty()) {
            b.append("; unprotected (`naive`) read-modify-write lost ").append(String.join(", ", lostNaive))
                    .append(" updates, as it is there to show");
        }
        return b.append(".\n\n").toString();
    }

    /** The throughput a row is ranked on: its undisturbed forks' value, or all forks' when none is left. */
    private static double rankingValue(SummaryRow s) {
        Judge.Sample u = undisturbed(s);
        return u.units() > 0 && !Double.isNaN(u.value()) ? u.value() : s.record().primary().sample().value();
    }

    /** Whether more than half of a row's forks were mostly disturbed from outside. */
    static boolean mostlyDisturbed(SummaryRow row) {
        int forks = row.record().primary().forks().size();
        return 2 * undisturbed(row).units() < forks;
    }

    /** A row's throughput forks, disturbed ones left out. */
    static Judge.Sample undisturbed(SummaryRow row) {
        return row.record().undisturbed(row.record().primary());
    }

    static Judgement judge(Judge.Change c) {
        return switch (c.verdict()) {
            case SLOWER -> Judgement.SLOWER;
            case NO_CHANGE -> Judgement.TIED;
            case DISTURBED -> Judgement.DISTURBED;
            // Faster than the fastest cannot be shown by data that ranked it below; like any unresolved case it is open.
            case FASTER, INCONCLUSIVE -> Judgement.INCONCLUSIVE;
        };
    }

    /** {@code request, 2 KB sessions, 1 thread, synchronous}: what the ranking covers. */
    public String covers() {
        BenchRecord r = group.rows().get(0).record();
        int inFlight = group.question() == Group.Question.IN_FLIGHT ? ranked.get(0).row().record().inFlight() : 1;
        return (r.operation().equals("request") ? "" : "`" + r.operation() + "`, ")
                + (layout == null ? "" : layout + " by Redis client, ") + ReportWriter.bytes(r.params().getOrDefault("sessionBytes", "?"))
                + " sessions, " + r.threads() + " thread" + (r.threads() == 1 ? "" : "s") + ", "
                + (inFlight == 1 ? "synchronous" : inFlight + " requests in flight per thread");
    }

    /**
     * One sentence: {@code For 2 KB sessions, …: redis-blob/lettuce serves a request fastest, 12,345 ok/s (P50 80 µs,
     * P99 200 µs); redis-hash/lettuce is 0.91× of it (within noise), postgres 0.21× (slower, judged).}
     */
    public String sentence() {
        long lost = ranked.stream().filter(e -> mostlyDisturbed(e.row())).count();
        if (!ranks()) {
            return String.format(Locale.ROOT, "For %s: no ranking. This run was mostly disturbed from outside: %d of %d backends "
                    + "lost most of their forks to CPU steal or other processes (see the *disturbed* column). Rerun on a quieter "
                    + "machine.", covers(), lost, ranked.size());
        }
        Entry best = ranked.get(0);
        // Correctness first: failed calls are said before any speed.
        List<String> failing = ranked.stream().filter(e -> failedCalls(e.row())).map(e -> e.target() + " had "
                + (e.row().errors() > 0 ? String.format(Locale.ROOT, "%,.0f failed calls", e.row().errors()) : "")
                + (e.row().errors() > 0 && e.row().lostUpdates() > 0 ? " and " : "")
                + (e.row().lostUpdates() > 0 ? String.format(Locale.ROOT, "%,.0f lost updates", e.row().lostUpdates()) : "")).toList();
        StringBuilder b = new StringBuilder("For ").append(covers()).append(": ");
        if (!failing.isEmpty()) {
            b.append(String.join(", ", failing)).append(" (ranked last, whatever its speed); ");
        }
        long tiedAtTop = tiedAtTop();
        if (tiedAtTop > 0) {
            b.append("no single fastest: **").append(best.target()).append("** served the most, ");
        } else {
            b.append("**").append(best.target()).append(group.rows().get(0).record().operation().equals("request")
                    ? "** serves a request fastest, " : "** is fastest, ");
        }
        b.append(ReportWriter.fmt(rankingValue(best.row())))
                .append(" ok/s (P50 ").append(ReportWriter.fmt(best.row().percentileMicros(50))).append(" µs, P99 ")
                .append(ReportWriter.fmt(best.row().percentileMicros(99))).append(" µs)");
        if (ranked.size() > 1) {
            b.append("; ");
            List<String> others = new ArrayList<>();
            for (Entry e : ranked.subList(1, ranked.size())) {
                others.add(e.target() + " " + times(e.toBest().ratio()) + " (" + e.judgement().words + ")");
            }
            b.append(String.join(", ", others));
        }
        b.append('.');
        if (!clientsNote.isEmpty()) {
            b.append(' ').append(clientsNote);
        }
        if (tiedAtTop > 0) {
            b.append(String.format(Locale.ROOT, " %d of the %d others %s not shown slower than it by this run "
                    + "(tied or inconclusive), so %s not told apart from it: only what is marked slower is a judged difference.",
                    tiedAtTop, ranked.stream().skip(1).filter(e -> e.judgement() != Judgement.FAILED).count(), tiedAtTop == 1 ? "is" : "are", tiedAtTop == 1 ? "that one is" : "those are"));
        }
        return b.toString();
    }

    /** Whether this verdict ranks at all: not when most of its backends were mostly disturbed from outside. */
    public boolean ranks() {
        return 2 * ranked.stream().filter(e -> mostlyDisturbed(e.row())).count() <= ranked.size();
    }

    /** How many backends below the first were not shown slower than it (tied or inconclusive). */
    private long tiedAtTop() {
        return ranked.stream().skip(1).filter(e -> e.judgement() != Judgement.SLOWER && e.judgement() != Judgement.FAILED).count();
    }

    /**
     * A row's verdict cell: no row of a table without a ranking is "fastest" (each is disturbed or not ranked), and the
     * first row of a table whose top is not told apart "served the most".
     */
    String verdictWords(Entry e) {
        if (!ranks()) {
            return mostlyDisturbed(e.row()) ? Judgement.DISTURBED.words : "not ranked";
        }
        return e.judgement() == Judgement.BEST && tiedAtTop() > 0 ? "served the most (not told apart)" : e.judgement().words;
    }

    /** The ranking as a Markdown table, the floor under it. */
    public String table() {
        // no interval of the iterations here: they drift within a fork, so the verdict's interval is the forks' (interval of ×)
        MarkdownTable b = new MarkdownTable().number("rank").text("backend").number("ok/s").number("× fastest")
                .number("interval of ×").number("resolution").number("P50 µs").number("P99 µs").text("verdict").text("noise from");
        int rank = 0;
        for (Entry e : ranked) {
            // the figure it is ranked on (its forks' value), so the order of the column is the order of the ranks
            ++rank;
            b.row(ranks() ? String.valueOf(rank) : "–", e.target(), ReportWriter.fmt(rankingValue(e.row())), times(e.toBest().ratio()),
                    e.judgement() == Judgement.BEST || Double.isNaN(e.toBest().low()) ? "–"
                            : MarkdownTable.cell("%.2f…%.2f", e.toBest().low(), e.toBest().high()),
                    e.judgement() == Judgement.BEST ? "–" : e.toBest().resolutionText(), ReportWriter.fmt(e.row().percentileMicros(50)),
                    ReportWriter.fmt(e.row().percentileMicros(99)), verdictWords(e), e.noise());
        }
        if (floor != null) {
            b.row("–", "memory (harness floor, not ranked)", ReportWriter.fmt(rankingValue(floor)), "–", "–", "–", ReportWriter.fmt(floor.percentileMicros(50)),
                    ReportWriter.fmt(floor.percentileMicros(99)), "in-process map: the cost of the harness itself", "–");
        }
        return b.toString();
    }

    static String times(double ratio) {
        return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    /** The verdict section of {@code report.md} (also the GitHub job summary): sentence and table per ranking. */
    public static String markdown(List<Verdict> verdicts) {
        return markdown(verdicts, List.of());
    }

    /** The verdict of a run whose rows are {@code all}: what failed or was lost in any of them first, then the rankings. */
    public static String markdown(List<Verdict> verdicts, List<SummaryRow> all) {
        StringBuilder b = new StringBuilder("## Verdict: which store serves a web request fastest\n\n");
        if (!all.isEmpty()) {
            b.append(losses(all));
        }
        if (verdicts.isEmpty()) {
            return b.append("This run has no `request` benchmark of two or more backends, so there is nothing to rank; ")
                    .append("the tables below give each benchmark.\n\n").toString();
        }
        for (Verdict v : verdicts) {
            b.append(v.sentence()).append("\n\n").append(v.table()).append('\n');
        }
        b.append("Each backend's value is the geometric mean over its forks of the median successful calls per second ")
                .append("(iterations the noise probe marked disturbed left out); the ratio to the fastest has a Student's t ")
                .append("interval on the forks' log values, each side's between-fork variance moderated toward a prior fitted to ")
                .append("every benchmark of the run on the same server (limma's moderated t: the prior adds its degrees of ")
                .append("freedom, *noise from* says how many), the error rate shared by the comparisons of a table. *Slower*: the whole interval lies below 1. *Tied*: ")
                .append("the whole interval lies within ±").append((int) THRESHOLD_PERCENT).append(" %. *Inconclusive*: neither, ")
                .append("including one fork per backend (no verdict rests on one fork); *resolution* is the smallest slowdown ")
                .append("the comparison would have caught with 80 % power at the noise it saw. ")
                .append("Closed loop, one client machine: a ranking of ")
                .append("this setup, not of the servers' capacity (see the CPU columns below).\n\n");
        return b.toString();
    }
}
