package io.sessionbench.calibrate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Separate cores for the servers and the clients during calibration, with {@code taskset}: the local server processes
 * (and their children, e.g. Postgres backends, which also inherit it when forked later) on the last core, this JVM's
 * threads and the native tools on the others. Only servers this run started are pinned, never a target; with fewer
 * than 2 cores or no {@code taskset}, nothing is pinned and {@link #describe()} says why.
 */
public final class Pinning {
    private final List<Long> serverPids;
    private final String clientCores;
    private final String serverCore;
    private final String notPinned;

    private Pinning(List<Long> serverPids, String clientCores, String serverCore, String notPinned) {
        this.serverPids = serverPids;
        this.clientCores = clientCores;
        this.serverCore = serverCore;
        this.notPinned = notPinned;
    }

    /** Pinning for the given local server processes (empty when the servers are targets). */
    public static Pinning forLocalServers(List<Long> serverPids) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (serverPids.isEmpty()) {
            return new Pinning(List.of(), null, null, "not pinned: the servers are targets, not started here");
        }
        if (cores < 2) {
            return new Pinning(List.of(), null, null, "not pinned: " + cores + " core");
        }
        if (!hasTaskset()) {
            return new Pinning(List.of(), null, null, "not pinned: no taskset on this machine (util-linux)");
        }
        int last = cores - 1;
        return new Pinning(serverPids, last == 1 ? "0" : "0-" + (last - 1), String.valueOf(last), null);
    }

    public static Pinning none(String why) {
        return new Pinning(List.of(), null, null, "not pinned: " + why);
    }

    private static boolean hasTaskset() {
        try {
            return new ProcessBuilder("taskset", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean enabled() {
        return notPinned == null;
    }

    /** Pins the servers (with their children) and this JVM's threads. */
    public void apply() throws IOException, InterruptedException {
        if (!enabled()) {
            return;
        }
        for (long pid : serverPids) {
            List<Long> all = new ArrayList<>(List.of(pid));
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> all.add(d.pid())));
            for (long p : all) {
                taskset(serverCore, p);
            }
        }
        taskset(clientCores, ProcessHandle.current().pid());
    }

    private static void taskset(String cores, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cores, String.valueOf(pid)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0 && ProcessHandle.of(pid).isPresent()) {
            throw new IOException("taskset could not pin process " + pid + " to core(s) " + cores + ": " + out.trim());
        }
    }

    /** A native tool's command line, pinned to the client cores when pinning is on. */
    List<String> clientCommand(List<String> cmd) {
        if (!enabled()) {
            return cmd;
        }
        List<String> out = new ArrayList<>(List.of("taskset", "-c", clientCores));
        out.addAll(cmd);
        return out;
    }

    /** Whether a {@link #describe()} text says something was pinned ({@code false} for a missing text). */
    public static boolean pinned(String described) {
        return described != null && !described.isEmpty() && !described.startsWith("not pinned");
    }

    public String describe() {
        return enabled() ? "servers pinned to core " + serverCore + ", clients (JVMs and native tools) to core(s) " + clientCores
                : notPinned;
    }
}
