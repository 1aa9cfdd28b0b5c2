package io.sessionbench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The answer a report opens with: for the operation a web request pays ({@code request}), per session size and
 * concurrency the run covered, the real backends ranked by successful calls per second, each one's ratio to the best
 * real backend with a 95 % bootstrap interval of that ratio (from the per-iteration samples of both rows), and whether
 * the difference is judged or within noise. {@code memory} is the harness floor, outside the ranking.
 */
public record Verdict(Group group, SummaryRow floor, List<Entry> ranked) {
    /** Half-width of a ratio's interval, in percent, beyond which a difference cannot be judged (as {@code compare}'s default). */
    static final double NOISE_LIMIT_PERCENT = 25;

    /** One ranked backend: its ratio to the best real backend and what the samples say about it. */
    public record Entry(SummaryRow row, Stats.Ratio toBest, Judgement judgement) {
        public String target() {
            return row.record().target();
        }
    }

    public enum Judgement {
        BEST("fastest"), SLOWER("slower, judged"), WITHIN_NOISE("within noise of the fastest"), CANNOT_JUDGE("cannot judge");

        public final String words;

        Judgement(String words) {
            this.words = words;
        }
    }

    /** The verdicts of a run: one per {@code request} group of layouts, and one per group of requests in flight. */
    public static List<Verdict> of(List<Group> groups) {
        List<Verdict> out = new ArrayList<>();
        for (Group g : groups) {
            if (!g.rows().get(0).record().operation().equals("request")
                    || (g.question() != Group.Question.LAYOUTS && g.question() != Group.Question.IN_FLIGHT)) {
                continue;
            }
            List<SummaryRow> real = g.rows().stream().filter(s -> !s.record().layout().equals("memory"))
                    .filter(s -> g.question() != Group.Question.IN_FLIGHT || s.record().inFlight() > 1)
                    .sorted(Comparator.comparingDouble((SummaryRow s) -> -s.throughput().median())).toList();
            if (real.isEmpty()) {
                continue;
            }
            SummaryRow floor = g.rows().stream().filter(s -> s.record().layout().equals("memory")).findFirst().orElse(null);
            SummaryRow best = real.get(0);
            List<Entry> ranked = new ArrayList<>();
            for (SummaryRow s : real) {
                Stats.Ratio r = Stats.ratio(best.record().primary().raw(), s.record().primary().raw());
                ranked.add(new Entry(s, r, s == best ? Judgement.BEST : judge(r)));
            }
            out.add(new Verdict(g, floor, ranked));
        }
        return out;
    }

    /**
     * Slower when the whole interval of the ratio lies below 1 (the difference is real; the interval says how large);
     * within noise when the interval reaches 1 but is narrow enough to bound the difference (±25 %); cannot judge
     * without an interval, or when it reaches 1 and is wider than that.
     */
    static Judgement judge(Stats.Ratio r) {
        if (Double.isNaN(r.low())) {
            return Judgement.CANNOT_JUDGE;
        }
        if (r.high() < 1) {
            return Judgement.SLOWER;
        }
        return 50.0 * (r.high() - r.low()) / r.ratio() > NOISE_LIMIT_PERCENT ? Judgement.CANNOT_JUDGE : Judgement.WITHIN_NOISE;
    }

    /** {@code request, 2 KB sessions, 1 thread, synchronous}: what the ranking covers. */
    public String covers() {
        BenchRecord r = group.rows().get(0).record();
        int inFlight = group.question() == Group.Question.IN_FLIGHT ? ranked.get(0).row().record().inFlight() : 1;
        return ReportWriter.bytes(r.params().getOrDefault("sessionBytes", "?")) + " sessions, " + r.threads() + " thread"
                + (r.threads() == 1 ? "" : "s") + ", " + (inFlight == 1 ? "synchronous" : inFlight + " requests in flight per thread");
    }

    /**
     * One sentence: {@code For 2 KB sessions, …: redis-blob/lettuce serves a request fastest, 12,345 ok/s (P50 80 µs,
     * P99 200 µs); redis-hash/lettuce is 0.91× of it (within noise), postgres 0.21× (slower, judged).}
     */
    public String sentence() {
        Entry best = ranked.get(0);
        StringBuilder b = new StringBuilder("For ").append(covers()).append(": **").append(best.target())
                .append("** serves a request fastest, ").append(ReportWriter.fmt(best.row().throughput().median()))
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
        if (ranked.size() > 1 && ranked.get(1).judgement() != Judgement.SLOWER) {
            b.append(" The first two are not told apart by this run: rerun with more iterations or forks to separate them.");
        }
        return b.toString();
    }

    /** The ranking as a Markdown table, the floor under it. */
    public String table() {
        StringBuilder b = new StringBuilder("| rank | backend | ok/s | 95 % CI | × fastest | 95 % CI of × | P50 µs | P99 µs | verdict |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        int rank = 0;
        for (Entry e : ranked) {
            Stats.Summary t = e.row().throughput();
            b.append("| ").append(++rank).append(" | ").append(e.target()).append(" | ").append(ReportWriter.fmt(t.median()))
                    .append(" | ").append(ReportWriter.interval(t)).append(" | ").append(times(e.toBest().ratio())).append(" | ")
                    .append(e.judgement() == Judgement.BEST || Double.isNaN(e.toBest().low()) ? "–"
                            : String.format(Locale.ROOT, "%.2f…%.2f", e.toBest().low(), e.toBest().high()))
                    .append(" | ").append(ReportWriter.fmt(e.row().percentileMicros(50))).append(" | ")
                    .append(ReportWriter.fmt(e.row().percentileMicros(99))).append(" | ").append(e.judgement().words).append(" |\n");
        }
        if (floor != null) {
            b.append("| – | memory (harness floor, not ranked) | ").append(ReportWriter.fmt(floor.throughput().median()))
                    .append(" | ").append(ReportWriter.interval(floor.throughput())).append(" | – | – | ")
                    .append(ReportWriter.fmt(floor.percentileMicros(50))).append(" | ").append(ReportWriter.fmt(floor.percentileMicros(99)))
                    .append(" | in-process map: the cost of the harness itself |\n");
        }
        return b.toString();
    }

    static String times(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }

    /** The verdict section of {@code report.md} (also the GitHub job summary): sentence and table per ranking. */
    public static String markdown(List<Verdict> verdicts) {
        StringBuilder b = new StringBuilder("## Verdict: which store serves a web request fastest\n\n");
        if (verdicts.isEmpty()) {
            return b.append("This run has no `request` benchmark of two or more backends, so there is nothing to rank; ")
                    .append("the tables below give each benchmark.\n\n").toString();
        }
        for (Verdict v : verdicts) {
            b.append(v.sentence()).append("\n\n").append(v.table()).append('\n');
        }
        b.append("Ratios are medians of successful calls per second over the fastest real backend's, with a 95 % bootstrap ")
                .append("interval from the per-iteration samples of both. *Slower, judged*: the whole interval lies below 1 (how much ")
                .append("slower is that interval). *Within noise*: the interval reaches 1 and is no wider than ±")
                .append((int) NOISE_LIMIT_PERCENT).append(" %: this run shows no difference. *Cannot judge*: fewer than ")
                .append("3 iterations, or an interval that reaches 1 and is wider: rerun with more iterations or forks. ")
                .append("Closed loop, one client machine: a ranking of ")
                .append("this setup, not of the servers' capacity (see the CPU columns below).\n\n");
        return b.toString();
    }
}
