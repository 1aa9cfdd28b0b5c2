package io.sessionbench.cli;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.report.ReportWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code report DIR}: rebuilds the derived files of a results folder. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Rebuild .hgrm, summary.csv, report.md, report.html and CI JSON of a results folder.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "a results folder written by 'bench'")
    Path dir;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir + " is not a folder; give a results folder such as results/2026-01-01_1200_quick");
        }
        if (Files.exists(dir.resolve("loadgen.json"))) {
            System.out.print(io.sessionbench.loadgen.LoadReport.write(dir));
        } else {
            System.out.print(SummaryTable.render(ReportWriter.write(dir)));
        }
        System.out.println("report: " + dir.resolve("report.html"));
        return 0;
    }
}
