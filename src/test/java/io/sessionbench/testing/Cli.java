package io.sessionbench.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real entry point in a child JVM on the test class path, as a user runs the jar; captures all output. */
public final class Cli {
    public record Result(int exitCode, String output) {
    }

    private Cli() {
    }

    public static Result run(Map<String, String> env, String... args) {
        ProcessBuilder pb = builder(env, args);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("CLI did not finish: " + String.join(" ", args));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The entry point started in the background (as a user runs {@code stack up} in another terminal); output and errors in one stream. */
    public static Process start(String... args) {
        try {
            return builder(Map.of(), args).start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProcessBuilder builder(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        // The test JVM's cap on the untimed warm-up (set in the pom) reaches the command's in-process benchmarks.
        String cap = System.getProperty("sessionbench.warmup.maxSeconds");
        if (cap != null) {
            cmd.add(1, "-Dsessionbench.warmup.maxSeconds=" + cap);
        }
        cmd.add("io.sessionbench.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SESSIONBENCH_"));
        pb.environment().putAll(env);
        return pb;
    }
}
