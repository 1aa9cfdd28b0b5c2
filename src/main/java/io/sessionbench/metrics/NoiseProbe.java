package io.sessionbench.metrics;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What else happened on the machine while an iteration ran, read from {@code /proc} and the JVM's management beans:
 * CPU stolen by the hypervisor, CPU used by processes other than this JVM and the server under test (other local
 * servers included: a Postgres checkpoint during a Redis benchmark is a disturbance), the CPU of this JVM (the client)
 * and of the server under test (pids in the system property {@code sessionbench.serverPids} as
 * {@code redis=123,postgres=456}, their children included, as Postgres forks one per connection), this JVM's GC pause
 * and JIT compilation time, and the name of the other process that took the most CPU. On a machine without
 * {@code /proc} the machine-wide figures are NaN.
 */
public final class NoiseProbe {
    /** System property naming the local server processes, comma-separated pids. */
    public static final String SERVER_PIDS = "sessionbench.serverPids";
    private static final long TICKS_PER_SECOND = 100;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long[] serverPids;
    private Snapshot start;
    private Map<Long, long[]> processesAtStart = Map.of();
    private String topOther = "";

    private record Snapshot(long wallNanos, long[] machine, long processCpuNanos, Map<Long, Long> serverTicks, long gcMillis, long jitMillis) {
    }

    /** A probe for a benchmark on {@code server} ({@code redis}, {@code memcached}, {@code postgres}, or null for none). */
    public NoiseProbe(String server) {
        this(System.getProperty(SERVER_PIDS, ""), server);
    }

    NoiseProbe(String pids, String server) {
        List<Long> own = new ArrayList<>();
        for (String entry : pids.split(",")) {
            String[] kv = entry.trim().split("=");
            if (kv.length == 2 && kv[0].equalsIgnoreCase(String.valueOf(server))) {
                own.add(Long.parseLong(kv[1]));
            }
        }
        this.serverPids = own.stream().mapToLong(Long::longValue).toArray();
    }

    public void begin() {
        processesAtStart = processTicks();
        canaryBefore = canary();
        start = snapshot();
    }

    private long canaryBefore;
    private static long sink;

    /**
     * Nanoseconds a fixed integer loop takes on this thread (about 1 ms): the machine's speed as this JVM sees it.
     * The guest reports no steal on some hypervisors, yet its CPUs run slower when the host is busy; a loop that
     * takes longer before and after an iteration shows it. Run between iterations, never inside the measurement.
     */
    static long canary() {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long x = round + 1;
            long t0 = System.nanoTime();
            for (int i = 0; i < 400_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                x ^= x >>> 17;
            }
            best = Math.min(best, System.nanoTime() - t0);
            sink += x;
        }
        return best;
    }

    /** The other process that used the most CPU in the last interval, e.g. {@code postgres 38% (pid 4242)}; empty when none. */
    public String topOther() {
        return topOther;
    }

    /**
     * The figures since {@link #begin}: {@code steal}, {@code irqCpu} (interrupts and softirqs: mostly the loopback
     * traffic of the benchmark itself) and {@code otherCpu} in percent of the machine's capacity,
     * {@code clientCpu} and {@code serverCpu} in cores busy, {@code gcMs} and {@code jitMs} in milliseconds,
     * {@code canaryUs} the fixed loop's time around the iteration (µs; higher is a slower machine).
     */
    public Map<String, Double> end() {
        Snapshot e = snapshot();
        Snapshot s = start;
        long canaryAfter = canary();
        Map<String, Double> out = new LinkedHashMap<>();
        double wall = (e.wallNanos - s.wallNanos) / 1e9;
        double client = (e.processCpuNanos - s.processCpuNanos) / 1e9;
        // Per process, so a Postgres backend that exits during the iteration takes none of the others' time with it.
        long serverDelta = 0;
        for (Map.Entry<Long, Long> p : e.serverTicks.entrySet()) {
            serverDelta += Math.max(0, p.getValue() - s.serverTicks.getOrDefault(p.getKey(), 0L));
        }
        double server = serverDelta / (double) TICKS_PER_SECOND;
        if (e.machine != null && s.machine != null) {
            long total = 0;
            for (int i = 0; i < e.machine.length; i++) {
                total += e.machine[i] - s.machine[i];
            }
            long idle = (e.machine[3] - s.machine[3]) + (e.machine[4] - s.machine[4]);
            long steal = e.machine.length > 7 ? e.machine[7] - s.machine[7] : 0;
            // Interrupt and softirq time is the kernel's share of the client's and server's own network traffic
            // (loopback packets are processed there), not another process: it is recorded apart, never as a disturbance.
            long irq = e.machine.length > 6 ? (e.machine[5] - s.machine[5]) + (e.machine[6] - s.machine[6]) : 0;
            double totalSeconds = total / (double) TICKS_PER_SECOND;
            double busyOthers = (total - idle - steal - irq) / (double) TICKS_PER_SECOND - client - server;
            out.put("steal", total == 0 ? 0 : 100.0 * steal / total);
            out.put("irqCpu", total == 0 ? 0 : 100.0 * irq / total);
            out.put("otherCpu", totalSeconds == 0 ? 0 : Math.max(0, 100.0 * busyOthers / totalSeconds));
        } else {
            out.put("steal", Double.NaN);
            out.put("irqCpu", Double.NaN);
            out.put("otherCpu", Double.NaN);
        }
        out.put("clientCpu", wall == 0 ? 0 : client / wall);
        out.put("serverCpu", wall == 0 || serverPids.length == 0 ? Double.NaN : server / wall);
        out.put("gcMs", (double) (e.gcMillis - s.gcMillis));
        out.put("jitMs", (double) (e.jitMillis - s.jitMillis));
        out.put("canaryUs", (canaryBefore + canaryAfter) / 2e3);
        topOther = busiestOther(processesAtStart, processTicks(), wall);
        return out;
    }

    /** pid → {ticks, parent pid}, with the process name kept apart, for every process of the machine. */
    private static final Map<Long, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<Long, long[]> processTicks() {
        Map<Long, long[]> out = new java.util.HashMap<>();
        java.io.File[] dirs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
        if (dirs == null) {
            return out;
        }
        for (java.io.File d : dirs) {
            try {
                String st = Files.readString(d.toPath().resolve("stat"));
                int open = st.indexOf('(');
                int close = st.lastIndexOf(')');
                String[] f = st.substring(close + 2).split(" ");
                long pid = Long.parseLong(d.getName());
                NAMES.put(pid, st.substring(open + 1, close));
                out.put(pid, new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[1])});
            } catch (IOException | RuntimeException gone) {
                // the process ended while being read
            }
        }
        return out;
    }

    /**
     * The other processes' busiest name with its share of a core and the pids that used it, e.g. {@code redis-server 5%
     * (pids 101, 102)}: two servers of one name are told apart by pid (an idle cluster of another run is not the target).
     * This JVM and the server's processes are left out, the server's children too, found through the parent pids read in the
     * same pass as the ticks, so a child that exits in between is still theirs.
     */
    private String busiestOther(Map<Long, long[]> before, Map<Long, long[]> after, double wallSeconds) {
        Map<Long, List<Long>> children = new java.util.HashMap<>();
        for (Map<Long, long[]> snapshot : List.of(before, after)) {
            snapshot.forEach((pid, t) -> children.computeIfAbsent(t[1], k -> new ArrayList<>()).add(pid));
        }
        java.util.Set<Long> mine = new java.util.HashSet<>();
        java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>();
        for (long pid : serverPids) {
            todo.add(pid);
        }
        while (!todo.isEmpty()) {
            long pid = todo.poll();
            if (mine.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        mine.add(ProcessHandle.current().pid());
        Map<String, Long> byName = new java.util.HashMap<>();
        Map<String, java.util.SortedSet<Long>> pids = new java.util.HashMap<>();
        after.forEach((pid, t) -> {
            if (!mine.contains(pid)) {
                long delta = t[0] - (before.containsKey(pid) ? before.get(pid)[0] : 0);
                if (delta > 0) {
                    String name = NAMES.getOrDefault(pid, "?");
                    byName.merge(name, delta, Long::sum);
                    pids.computeIfAbsent(name, k -> new java.util.TreeSet<>()).add(pid);
                }
            }
        });
        return byName.entrySet().stream().max(Map.Entry.comparingByValue())
                .filter(e -> wallSeconds > 0 && e.getValue() / (double) TICKS_PER_SECOND / wallSeconds >= 0.05)
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.0f%% (%s)", e.getKey(),
                        100.0 * e.getValue() / TICKS_PER_SECOND / wallSeconds, pidList(pids.get(e.getKey()))))
                .orElse("");
    }

    private static String pidList(java.util.SortedSet<Long> pids) {
        List<String> shown = pids.stream().limit(5).map(String::valueOf).toList();
        return (pids.size() == 1 ? "pid " : "pids ") + String.join(", ", shown) + (pids.size() > 5 ? ", …" : "");
    }

    /** The name of the busiest other process in a {@code topOther} line: {@code redis-server 5% (pid 101)} → {@code redis-server}. */
    public static String otherName(String topOther) {
        String s = topOther.trim();
        int paren = s.lastIndexOf(" (pid");
        if (paren > 0) {
            s = s.substring(0, paren);
        }
        return s.substring(0, Math.max(0, s.lastIndexOf(' ')));
    }

    /** This JVM's garbage collections so far: {count, milliseconds}, summed over its collectors. */
    public static long[] gcCountAndMillis() {
        long n = 0;
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {n, ms};
    }

    private Snapshot snapshot() {
        long gc = gcCountAndMillis()[1];
        var jit = ManagementFactory.getCompilationMXBean();
        long jitMs = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        return new Snapshot(System.nanoTime(), machineTicks(), OS.getProcessCpuTime(), serverTicks(), gc, jitMs);
    }

    /** The first line of {@code /proc/stat}: user nice system idle iowait irq softirq steal, in ticks. */
    static long[] machineTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long[] v = new long[Math.min(8, f.length - 1)];
            for (int i = 0; i < v.length; i++) {
                v[i] = Long.parseLong(f[i + 1]);
            }
            return v;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Map<Long, Long> serverTicks() {
        Map<Long, Long> ticks = new java.util.HashMap<>();
        for (long pid : serverPids) {
            List<Long> all = new ArrayList<>();
            all.add(pid);
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> all.add(d.pid())));
            for (long p : all) {
                ticks.put(p, processTicks(p));
            }
        }
        return ticks;
    }

    /** utime + stime of a process and all its descendants (Postgres' backends are the postmaster's children), in ticks. */
    public static long treeTicks(long pid) {
        long ticks = processTicks(pid);
        for (ProcessHandle d : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of())) {
            ticks += processTicks(d.pid());
        }
        return ticks;
    }

    /** utime + stime of a process from {@code /proc/<pid>/stat}; 0 when it is gone. */
    public static long processTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
