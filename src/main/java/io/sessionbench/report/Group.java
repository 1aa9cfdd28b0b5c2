package io.sessionbench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Rows that answer one question at one setup, shown as one table with its charts beside it: the layouts against each
 * other (each with Lettuce, synchronous), the Redis clients on each layout, synchronous calls against requests in
 * flight, safe against naive updates under contention. A row may appear in more than one group (the Lettuce row of
 * {@code redis-hash} answers both "which layout" and "which client").
 */
public record Group(Question question, String setup, String slug, List<SummaryRow> rows) {

    /** What a group compares; its {@link #title} names it in tables and chart titles. */
    public enum Question {
        LAYOUTS("Layouts at equal setup", ""),
        CLIENTS("Redis clients on one layout", "_clients"),
        IN_FLIGHT("Synchronous calls against requests in flight", "_inflight"),
        CONTENTION("Safe against naive updates under contention", "_safe-vs-naive");

        public final String title;
        final String suffix;

        Question(String title, String suffix) {
            this.title = title;
            this.suffix = suffix;
        }
    }

    public String title() {
        return question.title + " — " + setup;
    }

    /**
     * The chart panels of this group, at most about six series each: one panel for the layouts, one per layout for
     * the other questions (small multiples instead of one tangle of lines).
     */
    public Map<String, List<SummaryRow>> panels() {
        Map<String, List<SummaryRow>> p = new LinkedHashMap<>();
        for (SummaryRow s : rows) {
            p.computeIfAbsent(question == Question.LAYOUTS ? "" : s.record().layout(), k -> new ArrayList<>()).add(s);
        }
        return p;
    }

    /** The groups of a run's rows, in report order (the order of the rows' setups, then of the questions). */
    public static List<Group> of(List<SummaryRow> rows) {
        Map<String, List<SummaryRow>> bySetup = new LinkedHashMap<>();
        for (SummaryRow s : rows) {
            bySetup.computeIfAbsent(setupKey(s.record()), k -> new ArrayList<>()).add(s);
        }
        List<Group> out = new ArrayList<>();
        for (List<SummaryRow> same : bySetup.values()) {
            BenchRecord first = same.get(0).record();
            String setup = setup(first);
            String slug = slug(first);
            boolean contention = same.stream().anyMatch(s -> "naive".equals(s.record().params().get("updates")));
            if (contention) {
                out.add(new Group(Question.CONTENTION, setup, slug + Question.CONTENTION.suffix, same));
                continue;
            }
            add(out, Question.LAYOUTS, setup, slug + Question.LAYOUTS.suffix, same,
                    s -> s.record().inFlight() == 1 && isDefaultClient(s.record()));
            if (same.stream().anyMatch(s -> !isDefaultClient(s.record()) && s.record().inFlight() == 1)) {
                add(out, Question.CLIENTS, setup, slug + Question.CLIENTS.suffix, same,
                        s -> s.record().inFlight() == 1 && s.record().store().redis());
            }
            List<Integer> inFlight = same.stream().map(s -> s.record().inFlight()).filter(n -> n > 1).distinct().toList();
            for (int n : inFlight) {
                // each async row beside the synchronous row of the same layout and client
                List<String> async = same.stream().filter(s -> s.record().inFlight() == n).map(s -> variant(s.record())).toList();
                add(out, Question.IN_FLIGHT, setup + ", " + n + " in flight per thread", slug + Question.IN_FLIGHT.suffix + n, same,
                        s -> (s.record().inFlight() == n || s.record().inFlight() == 1) && async.contains(variant(s.record())));
            }
        }
        return out;
    }

    private static void add(List<Group> out, Question q, String setup, String slug, List<SummaryRow> rows, Predicate<SummaryRow> keep) {
        List<SummaryRow> kept = rows.stream().filter(keep).toList();
        if (!kept.isEmpty()) {
            out.add(new Group(q, setup, slug, kept));
        }
    }

    /** Lettuce for the Redis layouts, the only client for the others. */
    static boolean isDefaultClient(BenchRecord r) {
        return r.store().defaultClient();
    }

    /** Layout and client, without the requests in flight. */
    private static String variant(BenchRecord r) {
        return r.store().label();
    }

    private static String setupKey(BenchRecord r) {
        return r.operation() + "|" + r.params().getOrDefault("sessionBytes", "") + "|" + r.params().getOrDefault("liveSessions", "")
                + "|" + r.params().getOrDefault("distribution", "") + "|" + r.threads();
    }

    /** {@code request — 2 KB sessions, 10000 live, uniform keys, 1 thread}. */
    static String setup(BenchRecord r) {
        return r.operation() + " — " + ReportWriter.bytes(r.params().getOrDefault("sessionBytes", "?")) + " sessions, "
                + r.params().getOrDefault("liveSessions", "?") + " live, " + r.params().getOrDefault("distribution", "?")
                + " keys, " + r.threads() + " thread" + (r.threads() == 1 ? "" : "s");
    }

    /** {@code request_2KB_t1}, with the key distribution and live sessions when they are not the defaults. */
    static String slug(BenchRecord r) {
        String live = r.params().getOrDefault("liveSessions", "10000");
        String dist = r.params().getOrDefault("distribution", "uniform");
        return r.operation() + "_" + ReportWriter.bytes(r.params().getOrDefault("sessionBytes", "0")).replace(" ", "")
                + "_t" + r.threads() + (dist.equals("uniform") ? "" : "_" + dist) + (live.equals("10000") ? "" : "_live" + live);
    }
}
