package io.sessionbench.cli;

import java.util.Set;
import picocli.CommandLine;

/**
 * The jar's entry point. A first argument naming one of sessionbench's commands runs that command; anything else is
 * handed unchanged to JMH's own command line ({@code -l}, {@code -h}, regexps, {@code -p}, {@code -rf json}, …).
 */
public final class Main {
    /** Words reserved for sessionbench; to select a benchmark by one of them, use a regexp such as {@code .*stack}. */
    static final Set<String> COMMANDS = Set.copyOf(new CommandLine(new RootCommand()).getSubcommands().keySet());

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && COMMANDS.contains(args[0])) {
            System.exit(run(args));
        }
        // JMH's own command line: parameter values are checked before JMH starts, so a bad one exits 2 with one line
        // instead of a stack trace from a forked JVM and an exit code that depends on -foe.
        java.util.List<String> problems = io.sessionbench.bench.BenchParams.problems(args);
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("sessionbench: " + p));
            System.exit(2);
        }
        org.openjdk.jmh.Main.main(args);
    }

    /** Runs a sessionbench command and returns its exit code (0 ok, 1 failure, 2 bad usage or configuration). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new RootCommand());
        cl.setExecutionExceptionHandler(new OneLineErrors());
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("sessionbench: " + ex.getMessage() + " (see '" + String.join(" ", commandPath(ex)) + " --help')");
            return 2;
        });
        return cl.execute(args);
    }

    private static java.util.List<String> commandPath(CommandLine.ParameterException ex) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (CommandLine c = ex.getCommandLine(); c != null; c = c.getParent()) {
            names.add(0, c.getCommandName());
        }
        names.set(0, "java -jar target/benchmarks.jar");
        return names;
    }
}
