package io.sessionbench.cli;

import picocli.CommandLine.Command;

/** {@code java -jar target/benchmarks.jar <command>}: sessionbench's own commands beside JMH's command line. */
@Command(name = "sessionbench", mixinStandardHelpOptions = true, version = "sessionbench 0.1.0",
        description = "Session-store benchmarks. Any first argument that is not one of these commands goes to JMH, "
                + "e.g. 'java -jar target/benchmarks.jar -l' lists the benchmarks.",
        subcommands = {BenchCommand.class, LoadCommand.class, ReportCommand.class, CompareCommand.class, GateCommand.class, GateWorkerCommand.class, DimensionCommand.class, CalibrateCommand.class, SlotMigrationCommand.class, StackCommand.class, MergeCommand.class, K8sCommand.class, FindingsCommand.class, FootprintCommand.class, HistoryCommand.class, picocli.CommandLine.HelpCommand.class})
final class RootCommand {
}
