package io.sessionbench.cli;

import io.sessionbench.history.History;
import io.sessionbench.history.HistoryRecord;
import io.sessionbench.history.HistorySite;
import io.sessionbench.infra.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code history add|changes|build}: every main-branch run kept compactly, its change points found, a static site. */
@Command(name = "history", mixinStandardHelpOptions = true,
        header = "Keep every run in a history folder, find its change points, build a static site.",
        subcommands = {HistoryCommand.Add.class, HistoryCommand.Changes.class, HistoryCommand.Build.class, HistoryCommand.Confirm.class})
final class HistoryCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new ConfigException("history needs a subcommand: add RUN… --to HISTORY, changes HISTORY, or build HISTORY --out SITE");
    }

    /** Git's answer to {@code args} in the working directory, or {@code fallback}. */
    static String git(String fallback, String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? out : fallback;
        } catch (java.io.IOException e) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = {"Adds bench results folders to a history (the same run twice "
            + "is said and ignored); then keeps the histograms of the newest --keep runs and of the runs either side of a change point."})
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "RUN", arity = "1..*", description = "bench results folders")
        List<Path> runs;

        @Option(names = "--to", required = true, paramLabel = "HISTORY", description = "the history folder (created when missing)")
        Path to;

        @Option(names = "--commit", description = "the runs' commit (default: git rev-parse HEAD; 'added': for each run the "
                + "commit that added its jmh.json, for runs committed to this repository)")
        String commit;

        @Option(names = "--branch", description = "the runs' branch (default: the checked-out branch)")
        String branch;

        @Option(names = "--keep", defaultValue = "100", description = "runs whose histograms are always kept (default ${DEFAULT-VALUE})")
        int keep;

        @Override
        public Integer call() throws Exception {
            String c = commit != null ? commit : git("unknown", "rev-parse", "HEAD");
            String b = branch != null ? branch : git("main", "rev-parse", "--abbrev-ref", "HEAD");
            // every run is read and checked before the first is written
            List<HistoryRecord> records = new ArrayList<>();
            for (Path r : runs) {
                records.add(HistoryRecord.of(r, "added".equals(c)
                        ? git("unknown", "log", "--diff-filter=A", "--format=%H", "-1", "--", r.resolve("jmh.json").toString()) : c, b));
            }
            History h = History.open(to, b);
            for (HistoryRecord r : records) {
                System.out.println(h.add(r));
            }
            int dropped = h.retain(keep);
            if (dropped > 0) {
                System.out.println("history: histograms dropped from " + dropped + " old run(s) (their values stay)");
            }
            System.out.printf(java.util.Locale.ROOT, "history: %d runs, %,d bytes%n", h.runs().size(), h.bytes());
            return 0;
        }
    }

    @Command(name = "changes", mixinStandardHelpOptions = true, description = "Prints the change points of a history, correctness first, then the newest.")
    static final class Changes implements Callable<Integer> {
        @Parameters(paramLabel = "HISTORY")
        Path history;

        @Override
        public Integer call() throws Exception {
            History h = History.existing(history);
            List<History.Change> changes = History.changes(h.runs());
            if (changes.isEmpty()) {
                System.out.println("history: no change point in " + h.runs().size() + " runs");
            }
            var confirmed = h.confirmations();
            for (int i = 0; i < changes.size(); i++) {
                History.Change c = changes.get(i);
                var k = confirmed.get(c.id());
                System.out.println((i + 1) + ". " + c.kind() + ": " + c.describe()
                        + (k == null ? "" : " [" + k.path("verdict").asText() + " by gate " + k.path("gate").asText() + "]"));
            }
            return 0;
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true, description = "Builds the history's static site (offline, one index.html).")
    static final class Build implements Callable<Integer> {
        @Parameters(paramLabel = "HISTORY")
        Path history;

        @Option(names = "--out", required = true, paramLabel = "SITE", description = "the site folder")
        Path out;

        @Option(names = "--screenshot", description = "also write SITE/index-first-screen.png with headless Chromium")
        boolean screenshot;

        @Override
        public Integer call() throws Exception {
            History h = History.existing(history);
            List<HistoryRecord> runs = h.runs();
            Path index = HistorySite.build(runs, History.changes(runs), h.confirmations(), h.branch(), h.bytes(), out);
            System.out.println("history: site of " + runs.size() + " runs written to " + index);
            if (screenshot) {
                var browser = io.sessionbench.report.Browser.find()
                        .orElseThrow(() -> new ConfigException("--screenshot needs Chromium on PATH (scripts/setup.sh installs it)"));
                Path png = out.resolve("index-first-screen.png");
                browser.screenshot(index, png, 1200, 900);
                System.out.println("history: screenshot written to " + png);
            }
            return 0;
        }
    }

    @Command(name = "confirm", mixinStandardHelpOptions = true, description = {"Runs the gate between the builds either side of a "
            + "change point (their release jars, or jars built from the two commits) and records on the site whether it",
            "confirms the change, refutes it, or cannot tell."})
    static final class Confirm implements Callable<Integer> {
        @Parameters(paramLabel = "HISTORY")
        Path history;

        @Option(names = "--change", required = true, paramLabel = "N", description = "the change's number in 'history changes'")
        int change;

        @Option(names = "--base", required = true, paramLabel = "JAR", description = "the build of the run before the change")
        Path base;

        @Option(names = "--head", required = true, paramLabel = "JAR", description = "the build of the run after the change")
        Path head;

        @Option(names = "--budget", description = "the gate's budget (default: the gate's)")
        String budget;

        @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of the gate's results (default ${DEFAULT-VALUE})")
        Path resultsRoot;

        @Override
        public Integer call() throws Exception {
            History h = History.existing(history);
            List<History.Change> changes = History.changes(h.runs());
            if (change < 1 || change > changes.size()) {
                throw new ConfigException("--change " + change + ": the history has " + changes.size() + " change(s); see 'history changes " + history + "'");
            }
            History.Change c = changes.get(change - 1);
            if (c.environment() || c.metric().correctness) {
                throw new ConfigException("change " + change + " is a" + (c.environment() ? "n environment change" : " correctness change")
                        + "; the gate confirms speed changes (a correctness change is confirmed by the failing run itself)");
            }
            if (c.sameBuild()) {
                throw new ConfigException("change " + change + " lies between two runs of commit " + c.after().commit()
                        + ": one build either side, nothing for the gate to compare");
            }
            String metric = switch (c.metric()) {
                case THROUGHPUT -> "ok";
                case P99 -> "p99";
                default -> throw new ConfigException("change " + change + " is of " + c.metric().label + "; the gate judges ok/s and P99 only");
            };
            String bench = History.gateBenchmark(c.benchmark()).orElseThrow(() -> new ConfigException("change " + change + " is of "
                    + c.benchmark() + ", which the gate does not run (it runs an operation at 2 KB, one thread)"));
            Path root = resultsRoot.resolve("confirm-" + c.after().id());
            List<String> args = new ArrayList<>(List.of("gate", "--base", base.toString(), "--head", head.toString(), "--benchmarks", bench,
                    "--metrics", metric, "--label", "confirm", "--results", root.toString()));
            if (budget != null) {
                args.addAll(List.of("--budget", budget));
            }
            int code = Main.run(args.toArray(String[]::new));
            if (code == 2) {
                return 2;
            }
            Path folder;
            try (var s = java.nio.file.Files.list(root)) {
                folder = s.filter(java.nio.file.Files::isDirectory).sorted().reduce((a, b) -> b)
                        .orElseThrow(() -> new ConfigException("the gate wrote no results folder under " + root));
            }
            com.fasterxml.jackson.databind.JsonNode gate = new com.fasterxml.jackson.databind.ObjectMapper().readTree(folder.resolve("gate.json").toFile());
            String verdict = "inconclusive";
            for (com.fasterxml.jackson.databind.JsonNode l : gate.path("lines")) {
                String v = l.path("verdict").asText();
                boolean worse = c.metric() == History.Metric.THROUGHPUT ? c.relative() < 0 : c.relative() > 0;
                if (v.equals("slower")) {
                    verdict = worse ? "confirmed" : "refuted";
                } else if (v.equals("faster")) {
                    verdict = worse ? "refuted" : "confirmed";
                } else if (v.equals("no change") || v.equals("not slower") && worse) {
                    verdict = "refuted";
                }
            }
            h.confirm(c.id(), verdict, folder.toString(), gate.path("summary").asText());
            System.out.println("history: change " + change + " (" + c.describe() + ") " + verdict + " by the gate in " + folder);
            return 0;
        }
    }
}
