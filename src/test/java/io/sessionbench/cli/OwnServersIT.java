package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.report.BenchRecord;
import io.sessionbench.testing.Cli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a user does to try the jar on their own servers on this machine: {@code stack up} in the background, {@code bench}
 * with the {@code endpoints.env} it printed, {@code stack down}. The target's processes are the store's server (their
 * CPU in the server column, never in {@code others.txt}), so the tables are ranked as for the local stack.
 */
class OwnServersIT {

    @Test
    void aStandaloneRedisAPostgresAndAMemcachedStartedByStackUpAreTheServersNotADisturbance() throws Exception {
        check(List.of(), "redis-blob,postgres,memcached-blob", "redis-server", "postgres", "memcached");
    }

    /**
     * Also what a Sentinel topology must give every client (this run stands for bench's own {@code --topology sentinel}
     * as well, which starts the same stack: TopologyIT runs the cluster that way): the sentinel address without its
     * password, Redisson reading from the primary without retries, Lettuce rejecting commands while disconnected.
     */
    @Test
    void aSentinelTopologyStartedByStackUpIsTheServerNotADisturbance() throws Exception {
        Path folder = check(List.of("--only", "REDIS", "--topology", "sentinel"), "redis-blob", "redis-server", "redis-sentinel");
        List<BenchRecord> records = BenchRecord.read(folder.resolve("jmh.json"));
        assertThat(records).extracting(BenchRecord::target).contains("redis-blob/lettuce", "redis-blob/jedis", "redis-blob/redisson");
        assertThat(records).allSatisfy(r -> assertThat(r.secondary().get("errors").score()).as(r.key()).isZero());
        String env = Files.readString(folder.resolve("env.json"));
        assertThat(env).contains("redis-sentinel://:****@127.0.0.1:").contains("/sessionbench");
        com.fasterxml.jackson.databind.JsonNode clients = new com.fasterxml.jackson.databind.ObjectMapper().readTree(env).path("redisClients");
        assertThat(clients.path("redisson").asText()).contains("readMode MASTER").contains("retryAttempts 0");
        assertThat(clients.path("lettuce").asText()).contains("REJECT_COMMANDS");
    }

    @Test
    void aClusterStartedByStackUpIsTheServerNotADisturbance() throws Exception {
        check(List.of("--only", "REDIS", "--topology", "cluster"), "redis-blob", "redis-server");
    }

    /** Starts the stack, benchmarks {@code layouts} against it as a target, stops it, checks the run; returns its folder. */
    private static Path check(List<String> stackArgs, String layouts, String... serverNames) throws Exception {
        // searchable by others: Postgres, started as root, drops to 'nobody'
        Path dir = Files.createTempDirectory(Path.of("target"), "own-servers-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        List<String> up = new ArrayList<>(List.of("stack", "up", "--dir", dir.resolve("stack").toString()));
        up.addAll(stackArgs);
        Process stack = Cli.start(up.toArray(String[]::new));
        List<Long> pids = new ArrayList<>();
        java.util.Set<Long> foreign = new java.util.HashSet<>();
        Cli.Result run;
        try {
            // waits for the line 'stack up' prints once every server answers
            try (BufferedReader out = new BufferedReader(new InputStreamReader(stack.getInputStream(), StandardCharsets.UTF_8))) {
                Pattern pid = Pattern.compile("127\\.0\\.0\\.1:\\d+\\s+pid (\\d+)");
                StringBuilder seen = new StringBuilder();
                String line = out.readLine();
                for (; line != null && !line.startsWith("running;"); line = out.readLine()) {
                    seen.append(line).append('\n');
                    Matcher m = pid.matcher(line);
                    if (m.find()) {
                        pids.add(Long.parseLong(m.group(1)));
                    }
                }
                assertThat(line).as("'stack up' said it runs; it printed:\n" + seen).isNotNull();
            }
            foreign.addAll(foreignServers(pids, serverNames));
            run = Cli.run(endpoints(dir.resolve("stack").resolve("endpoints.env")), "bench", "--layouts", layouts,
                    "--benchmarks", "request", "--forks", "0", "--warmup-iterations", "0", "--iterations", "2",
                    "--iteration-seconds", "0.2", "--live-sessions", "100", "--results", dir.resolve("results").toString(),
                    "--label", "own", "--stack-dir", dir.resolve("bench-stack").toString());
        } finally {
            Cli.Result down = Cli.run(Map.of(), "stack", "down", "--dir", dir.resolve("stack").toString());
            assertThat(down.exitCode()).as(down.output()).isZero();
        }
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(pids).isNotEmpty();
        assertThat(run.output()).as("the target's processes, named before the run").contains("target on this machine (")
                .contains("its CPU is the server's, not a disturbance");
        for (long p : pids) {
            assertThat(run.output()).as("pid " + p + " of the stack").containsPattern("pids? [\\d, ;a-z]*\\b" + p + "\\b");
        }
        Path folder;
        try (Stream<Path> s = Files.list(dir.resolve("results"))) {
            folder = s.filter(p -> p.getFileName().toString().endsWith("_own")).findFirst().orElseThrow();
        }
        assertThat(Files.readString(folder.resolve("env.json"))).contains("target on this machine (");
        List<BenchRecord> records = BenchRecord.read(folder.resolve("jmh.json"));
        for (BenchRecord r : records.stream().filter(r -> !r.store().layout().floor()).toList()) {
            assertThat(r.secondary()).as(r.key() + ": the target's CPU is the server's").containsKey("noise.serverCpu");
            assertThat(r.secondary().get("noise.serverCpu").score()).as(r.key()).isPositive();
        }
        // Another test's idle servers of the same names may be busy enough to be named (a cluster gossiping): a line
        // naming a server's name may list only those, never the target's processes or their children.
        Pattern named = Pattern.compile("^iteration \\d+: (\\S+) \\d+% \\(pids? ([\\d, …]+)\\)$");
        try (Stream<Path> s = Files.list(folder.resolve("histograms"))) {
            for (Path others : s.filter(p -> p.getFileName().toString().endsWith(".others.txt")).toList()) {
                for (String line : Files.readAllLines(others)) {
                    Matcher m = named.matcher(line);
                    assertThat(m.matches()).as(others + ": every line names the process and its pids: " + line).isTrue();
                    if (List.of(serverNames).contains(m.group(1))) {
                        for (String p : m.group(2).split(",\\s*")) {
                            assertThat(p.equals("…") || foreign.contains(Long.parseLong(p)))
                                    .as(others + " names no process of the target, only other runs' servers " + foreign + ": " + line).isTrue();
                        }
                    }
                }
            }
        }
        String verdict = Files.readString(folder.resolve("verdict.md"));
        assertThat(verdict).as("ranked as for the local stack").contains("| 1 |").doesNotContain("no ranking")
                .doesNotContain("disturbed from outside");
        assertThat(pids).as("stack down stopped every server").noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
        return folder;
    }

    /** The processes named as a server ({@code /proc/PID/comm}) that are neither the stack's nor their children. */
    private static java.util.Set<Long> foreignServers(List<Long> stack, String... names) {
        java.util.Set<Long> ours = new java.util.HashSet<>(stack);
        stack.forEach(p -> ProcessHandle.of(p).ifPresent(h -> h.descendants().forEach(d -> ours.add(d.pid()))));
        java.util.Set<Long> out = new java.util.HashSet<>();
        ProcessHandle.allProcesses().filter(h -> !ours.contains(h.pid())).forEach(h -> {
            try {
                if (List.of(names).contains(Files.readString(Path.of("/proc", String.valueOf(h.pid()), "comm")).trim())) {
                    out.add(h.pid());
                }
            } catch (java.io.IOException | RuntimeException gone) {
                // ended meanwhile
            }
        });
        return out;
    }

    /** The variables of an {@code endpoints.env} ({@code NAME='value'} lines). */
    private static Map<String, String> endpoints(Path file) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                String v = line.substring(eq + 1);
                env.put(line.substring(0, eq), v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1) : v);
            }
        }
        return env;
    }
}
