package io.sessionbench.cli;

import io.sessionbench.run.ResultsFolder;
import io.sessionbench.loadgen.LoadReport;
import io.sessionbench.loadgen.LoadRun;
import io.sessionbench.loadgen.Merge;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code merge DIR…}: one results folder and report from the folders of N generators that shared a schedule. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        header = "Join the results folders of N load generators into one run: histograms added interval by interval, counts summed.",
        description = "Give every generator's folder of one run ('load --generator I/N --start-at …'). Each rate step becomes "
                + "one merged run; the report adds a per-generator table that flags a generator that fell behind.")
final class MergeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "1..*", description = "the generators' results folders")
    List<Path> dirs;

    @Option(names = "--label", description = "results folder label (default: merged-<N>)")
    String label;

    @Option(names = "--results", defaultValue = "results", paramLabel = "DIR", description = "parent folder of results (default ${DEFAULT-VALUE})")
    Path resultsRoot;

    @Override
    public Integer call() {
        Path out = ResultsFolder.fresh(resultsRoot, "load_" + (label != null ? label : "merged-" + dirs.size()));
        List<LoadRun> runs;
        try {
            runs = Merge.merge(dirs, out);
        } catch (RuntimeException e) {
            ResultsFolder.discard(out);
            throw e;
        }
        System.out.print(LoadReport.write(out));
        System.out.println();
        System.out.println("results: " + out);
        System.out.println("report:  " + out.resolve("report.html"));
        return runs.stream().anyMatch(r -> r.incomplete() != null || r.errorCount() > 0) ? 1 : 0;
    }
}
