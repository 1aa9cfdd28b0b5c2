package io.sessionbench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server processes of a local stack: starts each with its log, waits until it answers a real request, and stops
 * them all (Postgres with its fast shutdown), children included.
 */
final class Supervisor {
    static final Duration START_TIMEOUT = Duration.ofSeconds(40);

    /** A real request to a started server; returns its version, throws until it answers. */
    @FunctionalInterface
    interface Probe {
        String version() throws IOException;
    }

    /** How a server was started, so it can be started again on the same port, folder and config. */
    record Launch(List<String> command, Path dir, Path log, String runAs, Probe probe) {
    }

    private final List<Process> processes = new ArrayList<>();

    /** Starts {@code l}'s command in its folder (as {@code runAs} when set), its output appended to its log. */
    Process launch(Launch l) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (l.runAs() != null) {
            cmd.addAll(List.of(Programs.binary("setpriv"), "--reuid=" + l.runAs(), "--regid=nogroup", "--clear-groups", "--"));
        }
        cmd.addAll(l.command());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(l.dir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(l.log().toFile()));
        pb.environment().put("HOME", l.dir().toString());
        pb.environment().remove("PGPASSWORD");
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    /** Polls {@code probe} until it answers (its version), the process exits, or {@link #START_TIMEOUT} passes. */
    String waitFor(String name, Process p, Path log, Probe probe) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new ConfigException(name + " exited with code " + p.exitValue() + " before answering: "
                        + tail(log) + " (log: " + log + ")");
            }
            try {
                return probe.version();
            } catch (IOException e) {
                last = e;
            }
            sleep(100);
        }
        throw new ConfigException(name + " did not answer within " + START_TIMEOUT.toSeconds() + " s ("
                + (last == null ? "no reply" : last.getMessage()) + "); log tail: " + tail(log));
    }

    /** The started process with this pid. */
    Process process(long pid) {
        synchronized (processes) {
            return processes.stream().filter(x -> x.pid() == pid).findFirst().orElseThrow();
        }
    }

    /** Stops every started process: SIGINT for Postgres (a fast shutdown that does not wait for clients), SIGTERM for the others. */
    void stopAll() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
            processes.clear();
        }
        for (Process p : all) {
            List<ProcessHandle> children = p.descendants().toList();
            if (p.isAlive()) {
                boolean postgres = p.info().command().map(c -> c.endsWith("postgres") || c.endsWith("setpriv")).orElse(false);
                if (postgres) {
                    signal(p.pid(), "INT");
                } else {
                    p.destroy();
                }
            }
            awaitExit(p.toHandle(), 10_000);
            children.forEach(c -> awaitExit(c, 5_000));
        }
    }

    static void awaitExit(ProcessHandle h, long millis) {
        try {
            h.onExit().get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }

    static void signal(long pid, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, String.valueOf(pid)).start().waitFor();
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last 5 lines of a log, joined, for an error message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while waiting for a server to start");
        }
    }
}
