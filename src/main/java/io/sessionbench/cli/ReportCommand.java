package io.sessionbench.cli;

import io.sessionbench.report.SummaryTable;
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
    @Parameters(paramLabel = "DIR", arity = "1..*", description = "a results folder written by 'bench' (several with --across)")
    java.util.List<Path> dirs;

    @picocli.CommandLine.Option(names = "--across", description = "print the bench verdicts of the given runs side by side, "
            + "and the pairs judged one way in one run and the other way in another (rebuilds nothing)")
    boolean across;

    @picocli.CommandLine.Option(names = "--aa", paramLabel = "N", description = "A/A study of the verdict (rebuilds nothing): "
            + "each benchmark's forks split into odd and even rounds and judged against each other as a ranking table of N "
            + "backends does; prints how many pairs were called slower or faster")
    Integer aa;

    @picocli.CommandLine.Option(names = "--screenshot", description = "also write report-first-screen.png, the first "
            + "1280×1000 of report.html in headless Chromium (Debian package 'chromium')")
    boolean screenshot;

    @Override
    public Integer call() throws Exception {
        for (Path d : dirs) {
            if (!Files.isDirectory(d) || (across || aa != null) && !Files.exists(d.resolve("jmh.json"))) {
                throw new ConfigException(d + " is not a results folder of 'bench'; give folders such as results/2026-01-01_1200_quick");
            }
        }
        if (aa != null) {
            if (aa < 2) {
                throw new ConfigException("--aa " + aa + ": a ranking table has 2 backends at least; give --aa 3 for the smallest of the quick profile");
            }
            System.out.print(io.sessionbench.report.AaStudy.markdown(dirs, aa));
            return 0;
        }
        if (across) {
            System.out.print(io.sessionbench.report.VerdictsAcross.markdown(dirs));
            return 0;
        }
        if (dirs.size() > 1) {
            throw new ConfigException("report rebuilds one folder; give one DIR, or --across to compare several runs' verdicts");
        }
        Path dir = dirs.get(0);
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
