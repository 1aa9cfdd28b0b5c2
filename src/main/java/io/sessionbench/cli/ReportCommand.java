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
        description = "Rebuild .hgrm, summary.csv, verdict.md, report.md, report.html (interactive, offline) and CI JSON of a results folder.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "a results folder written by 'bench'")
    Path dir;

    @picocli.CommandLine.Option(names = "--screenshot", description = "also write report-first-screen.png, the first "
            + "1280×1000 of report.html in headless Chromium (Debian package 'chromium')")
    boolean screenshot;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir + " is not a folder; give a results folder such as results/2026-01-01_1200_quick");
        }
        if (Files.exists(dir.resolve("loadgen.json"))) {
            System.out.print(io.sessionbench.loadgen.LoadReport.write(dir));
        } else {
            System.out.print(SummaryTable.render(ReportWriter.write(dir)));
        }
        System.out.println("report: " + dir.resolve("report.html"));
        if (screenshot) {
            io.sessionbench.report.Browser browser = io.sessionbench.report.Browser.find().orElseThrow(() -> new ConfigException(
                    "--screenshot needs Chromium on PATH; install it (Debian: apt-get install chromium) or leave --screenshot out"));
            Path png = dir.resolve("report-first-screen.png");
            browser.screenshot(dir.resolve("report.html"), png, 1280, 1000);
            System.out.println("screenshot: " + png);
        }
        return 0;
    }
}
