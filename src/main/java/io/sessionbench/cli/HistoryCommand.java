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
        subcommands = {HistoryCommand.Add.class, HistoryCommand.Changes.class, HistoryCommand.Build.class})
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

        @Option(names = "--commit", description = "the runs' commit (default: git rev-parse HEAD)")
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
                records.add(HistoryRecord.of(r, c, b));
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
            History h = History.open(history, "main");
            List<History.Change> changes = History.changes(h.runs());
            if (changes.isEmpty()) {
                System.out.println("history: no change point in " + h.runs().size() + " runs");
            }
            changes.forEach(c -> System.out.println(c.kind() + ": " + c.describe()));
            return 0;
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true, description = "Builds the history's static site (offline, one index.html).")
    static final class Build implements Callable<Integer> {
        @Parameters(paramLabel = "HISTORY")
        Path history;

        @Option(names = "--out", required = true, paramLabel = "SITE", description = "the site folder")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.exists(history.resolve("history.json"))) {
                throw new ConfigException(history + " is not a sessionbench history (no history.json); add runs with 'history add RUN --to " + history + "'");
            }
            History h = History.open(history, "main");
            List<HistoryRecord> runs = h.runs();
            Path index = HistorySite.build(runs, History.changes(runs), h.branch(), h.bytes(), out);
            System.out.println("history: site of " + runs.size() + " runs written to " + index);
            return 0;
        }
    }
}
