package io.sessionbench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The files 'stack up' leaves in its folder so another process can use and stop its servers: {@code endpoints.env}
 * (the targets, passwords included, readable by the owner only), {@code pids} (every server process) and
 * {@code owner} (the waiting 'stack up' process); and 'stack down', which reads them.
 */
public final class StackFiles {
    private StackFiles() {
    }

    /** What {@link #stopAll} did: nothing to stop, or how many server processes it stopped and whether the owner too. */
    public record Stopped(boolean nothing, int servers, boolean owner) {
    }

    /** Stops every process listed in {@code dir/pids} (SIGINT, a server's clean shutdown), then the 'stack up' owner. */
    public static Stopped stopAll(Path dir) throws IOException {
        Path pids = dir.resolve("pids");
        if (!Files.exists(pids)) {
            return new Stopped(true, 0, false);
        }
        int stopped = 0;
        for (String line : Files.readAllLines(pids)) {
            long pid = Long.parseLong(line.trim());
            var handle = ProcessHandle.of(pid);
            if (handle.isPresent() && handle.get().isAlive()) {
                stop(handle.get(), true);
                stopped++;
            }
        }
        Files.delete(pids);
        Files.deleteIfExists(dir.resolve("endpoints.env"));
        return new Stopped(false, stopped, stopOwner(dir));
    }

    /**
     * The process that runs 'stack up' and waits: its pid and start instant, so 'stack down' ends it too and never a
     * later process that got the same pid.
     */
    public static void writeOwner(LocalStack stack, ProcessHandle owner) throws IOException {
        Files.writeString(stack.root().resolve("owner"), owner.pid() + " " + owner.info().startInstant().map(Object::toString).orElse("?") + "\n");
    }

    /** Ends the 'stack up' process named in {@code dir/owner} when it still runs and started at the recorded instant. */
    private static boolean stopOwner(Path dir) throws IOException {
        Path file = dir.resolve("owner");
        if (!Files.exists(file)) {
            return false;
        }
        String[] f = Files.readString(file).trim().split(" ");
        Files.delete(file);
        var handle = ProcessHandle.of(Long.parseLong(f[0]));
        if (handle.isEmpty() || !handle.get().isAlive()
                || !handle.get().info().startInstant().map(Object::toString).orElse("?").equals(f.length > 1 ? f[1] : "")) {
            return false;
        }
        stop(handle.get(), false); // SIGTERM: its shutdown hook finds its servers already stopped
        return true;
    }

    /** SIGINT (a server's clean shutdown) or SIGTERM, then up to 15 s for the process to end before killing it. */
    private static void stop(ProcessHandle h, boolean interrupt) throws IOException {
        if (interrupt) {
            new ProcessBuilder("kill", "-INT", String.valueOf(h.pid())).start();
        } else {
            h.destroy();
        }
        try {
            h.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }

    /** Every process 'stack down' must stop: the servers, and the replicas, sentinels and cluster nodes of a topology. */
    public static void writePids(LocalStack stack) throws IOException {
        List<String> lines = new ArrayList<>();
        stack.helpers().forEach(r -> lines.add(String.valueOf(r.pid())));
        stack.servers().forEach(r -> lines.add(String.valueOf(r.pid())));
        Files.write(stack.root().resolve("pids"), lines);
    }

    /** Shell-sourceable {@code SESSIONBENCH_*} variables, readable only by the owner. */
    public static void writeEnvFile(Endpoints e, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".props");
        e.writeSecretFile(tmp);
        try {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(tmp)) {
                p.load(r);
            }
            StringBuilder b = new StringBuilder();
            for (String k : new java.util.TreeSet<>(p.stringPropertyNames())) {
                b.append(k).append("='").append(p.getProperty(k).replace("'", "'\\''")).append("'\n");
            }
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, b.toString());
            Files.delete(tmp);
        } catch (IOException ex) {
            throw new ConfigException("cannot write " + file + ": " + ex.getMessage());
        }
    }
}
