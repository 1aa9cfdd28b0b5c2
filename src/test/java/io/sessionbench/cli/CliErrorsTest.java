package io.sessionbench.cli;

import io.sessionbench.run.ResultsFolder;
import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.testing.Cli;
import io.sessionbench.testing.TestStack;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input on the command line: one readable line naming the problem and the fix, a non-zero exit, no trace. */
@ExtendWith(TestStack.class)
class CliErrorsTest {

    private static void assertOneLineError(Cli.Result r, int code, String... fragments) {
        assertThat(r.exitCode()).as(r.output()).isEqualTo(code);
        String errorLines = String.join("\n", r.output().lines().filter(l -> l.contains("error") || l.startsWith("sessionbench")).toList());
        for (String f : fragments) {
            assertThat(errorLines).contains(f);
        }
        assertThat(r.output()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    @Test
    void findingsNamesAnUnknownBlockAndAFolderWithoutTheRunsBeforePrintingAnything() {
        Cli.Result unknown = Cli.run(Map.of(), "findings", "nope");
        assertOneLineError(unknown, 2, "no findings block 'nope'", "claims-quick");
        assertThat(unknown.output()).doesNotContain("<!--");
        Cli.Result elsewhere = Cli.run(Map.of(), "findings", "--root", "src");
        assertOneLineError(elsewhere, 2, "findings reads the committed runs under results/", "give --root DIR");
        assertThat(elsewhere.output()).doesNotContain("<!--");
    }

    /** footprint: bad options are one line each before anything starts; an unreachable target leaves no results folder. */
    @Test
    void footprintNamesBadInputBeforeStartingAnything(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertOneLineError(Cli.run(Map.of(), "footprint", "--fill", "zip"), 2, "--fill 'zip'", "random", "repeated");
        assertOneLineError(Cli.run(Map.of(), "footprint", "--sizes", "10"), 2, "--sizes");
        assertOneLineError(Cli.run(Map.of(), "footprint", "--layouts", "memory"), 2, "memory keeps sessions in this JVM");
        Cli.Result r = Cli.run(Map.of(), "footprint", "--layouts", "redis-hash", "--redis", "redis://:pw123456@127.0.0.1:1",
                "--results", dir.toString());
        assertOneLineError(r, 1, "unreachable", "127.0.0.1:1");
        assertThat(r.output()).doesNotContain("pw123456");
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.toList()).as("no results folder for a footprint that could not start").isEmpty();
        }
    }

    /** history: a folder that is not a run, a history of another branch, a folder that is no history: one line, exit 2, nothing written. */
    @Test
    void historyRefusesBadInputInOneLineAndWritesNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path h = dir.resolve("history");
        assertOneLineError(Cli.run(Map.of(), "history", "add", dir.toString(), "--to", h.toString()), 2, "is not a sessionbench run");
        assertThat(h).doesNotExist();
        String run = "results/2026-12-06_quick-rounds/2026-12-06_072959_readme-quick-1";
        Cli.Result added = Cli.run(Map.of(), "history", "add", run, "--to", h.toString(), "--commit", "abc", "--branch", "main");
        assertThat(added.exitCode()).as(added.output()).isZero();
        assertThat(added.output()).contains("history: added 2026-12-06_072959_readme-quick-1");
        Cli.Result again = Cli.run(Map.of(), "history", "add", run, "--to", h.toString(), "--commit", "abc", "--branch", "main");
        assertThat(again.exitCode()).isZero();
        assertThat(again.output()).contains("is already in").contains("nothing written");
        assertOneLineError(Cli.run(Map.of(), "history", "add", run, "--to", h.toString(), "--branch", "feature"), 2, "is of branch 'main'");
        assertOneLineError(Cli.run(Map.of(), "history", "build", dir.toString(), "--out", dir.resolve("site").toString()), 2,
                "is not a sessionbench history");
        assertThat(dir.resolve("site")).doesNotExist();
    }

    @Test
    void anUnknownOptionIsNamed() {
        assertOneLineError(Cli.run(Map.of(), "bench", "--no-such-option"), 2, "Unknown option: '--no-such-option'");
    }

    @Test
    void aMalformedUriIsNamedWithoutItsPassword() {
        Cli.Result r = Cli.run(Map.of(), "bench", "--redis", "http://:hunter2@127.0.0.1:1");
        assertOneLineError(r, 2, "scheme 'http'", "redis://");
        assertThat(r.output()).doesNotContain("hunter2");
    }

    @Test
    void anUnreachableHostIsReportedBeforeAnyBenchmarkRuns() {
        Cli.Result r = Cli.run(Map.of(), "bench", "--layouts", "redis-hash", "--redis", "redis://:pw123456@127.0.0.1:1",
                "--results", "target/cli-results-unreachable");
        assertOneLineError(r, 1, "unreachable", "127.0.0.1:1");
        assertThat(r.output()).doesNotContain("pw123456");
    }

    @Test
    void aWrongPasswordIsReportedAsSuchNotPrintedAndLeavesNoResultsFolder() throws Exception {
        Endpoints e = TestStack.endpoints();
        String uri = "redis://:definitely-wrong-pw@127.0.0.1:" + e.redisServer().port();
        java.nio.file.Path results = java.nio.file.Path.of("target", "cli-results-" + System.nanoTime());
        Cli.Result r = Cli.run(Map.of("SESSIONBENCH_REDIS_URI", uri), "bench", "--layouts", "redis-hash",
                "--results", results.toString());
        assertOneLineError(r, 1, "refused the credentials");
        assertThat(r.output()).doesNotContain("definitely-wrong-pw");
        assertThat(java.nio.file.Files.exists(results) ? java.nio.file.Files.list(results).count() : 0L)
                .as("no half-written results folder").isZero();
    }

    @Test
    void anUnknownLayoutListsTheKnownOnes() {
        assertOneLineError(Cli.run(Map.of(), "bench", "--layouts", "mongo", "--results", "target/cli-results-mongo"), 2, "unknown layout 'mongo'", "redis-hash");
    }

    @Test
    void aMissingServerBinaryNamesTheSetupScript() {
        Cli.Result r = Cli.run(Map.of("PATH", "/nonexistent"), "stack", "check", "--only", "REDIS", "--dir", "target/no-binary-stack");
        assertOneLineError(r, 2, "redis-server is not installed", "scripts/setup.sh");
    }

    @Test
    void anUnwritableStackFolderIsNamed() {
        assertOneLineError(Cli.run(Map.of(), "stack", "check", "--dir", "/proc/sessionbench-stack"), 2,
                "/proc/sessionbench-stack", "writable");
    }

    /** Out-of-range numbers are refused before any server starts or any folder is made, whatever the command. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "bench --live-sessions -5                       | --live-sessions -5 is out of range; use 1 to 10,000,000",
            "bench --iteration-seconds 0                    | --iteration-seconds 0 is out of range; use 0.1 to 3,600",
            "bench --threads 0                              | --threads 0 is out of range",
            "calibrate --seconds 0                          | --seconds 0 is out of range; use 1 to 3,600",
            "calibrate --topology sentinel                  | calibrate compares clients on one standalone server or a cluster",
            "load scenarios/cart-updates.yaml --rate 0      | --rate 0 is out of range; use 1 to 10,000,000",
            "load scenarios/cart-updates.yaml --rate -5     | --rate -5 is out of range",
            "load scenarios/cart-updates.yaml --connections 0      | --connections 0 is out of range; use 1 to 1,024",
            "load scenarios/cart-updates.yaml --connections -1     | --connections -1 is out of range",
            "load scenarios/cart-updates.yaml --connections 100000 | --connections 100000 is out of range",
            "load scenarios/cart-updates.yaml --duration 0s        | --duration 0s is too short",
            "load scenarios/cart-updates.yaml --duration 10        | --duration '10' is not a duration like 500ms, 30s, 2m or 1h",
            "slot-migration --shapes cube                   | unknown --shapes 'cube'; use small, hash or subkeys",
            "slot-migration --parts 0                       | --parts 0 is out of range",
            "slot-migration --bytes 10 --parts 16           | --bytes 10 cannot be split into --parts 16",
            "slot-migration --redis-cluster redis://:pw@127.0.0.1:1 | add --allow-changes-on-target",
            "slot-migration --topology sentinel             | slot-migration runs on a Redis Cluster"})
    void outOfRangeOptionsAreRefusedBeforeAnythingStarts(String command, String message) throws Exception {
        java.nio.file.Path results = java.nio.file.Path.of("target", "cli-range-" + System.nanoTime());
        java.nio.file.Path stack = java.nio.file.Path.of("target", "cli-range-stack-" + System.nanoTime());
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command.trim().split("\\s+")));
        args.addAll(java.util.List.of("--results", results.toString(), "--stack-dir", stack.toString()));
        assertOneLineError(Cli.run(Map.of(), args.toArray(String[]::new)), 2, message);
        assertThat(results).as("no results folder").doesNotExist();
        assertThat(stack).as("no server started").doesNotExist();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "-p {0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "sessionBytes=-1 | -p sessionBytes=-1 is out of range; use 1 to 1,500,000",
            "inFlight=0      | -p inFlight=0 is out of range; use 1 to 1,024",
            "liveSessions=x  | -p liveSessions=x is not a whole number",
            "layout=mongo    | unknown layout 'mongo'",
            "updates=maybe   | -p updates=maybe is not a mode; use safe or naive"})
    void jmhParametersOutOfRangeExitTwoWithoutRunning(String param, String message) {
        assertOneLineError(Cli.run(Map.of(), "SessionOps.request$", "-f", "0", "-p", param.trim()), 2, message);
    }

    @Test
    void aPasswordWithAnUnencodedSlashIsNeverEchoed() {
        Cli.Result r = Cli.run(Map.of(), "bench", "--redis", "redis://app:S3cret/SlashPW@127.0.0.1:1");
        assertOneLineError(r, 2, "unencoded '/'", "%2F");
        assertThat(r.output()).doesNotContain("S3cret").doesNotContain("SlashPW");
    }

    @Test
    void aPortThatIsNotANumberIsNamed() {
        assertOneLineError(Cli.run(Map.of(), "bench", "--redis", "redis://127.0.0.1:sixthousand"), 2,
                "port 'sixthousand', which is not a number");
    }

    @Test
    void twoRunsWithTheSameLabelInOneMinuteWriteTwoFolders() throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of("target", "cli-same-label-" + System.nanoTime());
        java.nio.file.Path a = ResultsFolder.fresh(root, "same");
        java.nio.file.Path b = ResultsFolder.fresh(root, "same");
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isDirectory();
        assertThat(b).isDirectory();
        assertThat(b.getFileName().toString()).startsWith(a.getFileName().toString().substring(0, 17));
    }

    /** An ACL user confined to the hash layout's keys: that layout runs, the others are skipped with the reason. */
    @Test
    void anAclUserRunsThePermittedLayoutsAndNamesTheRefusedOnes() throws Exception {
        Endpoints e = TestStack.endpoints();
        io.sessionbench.testing.RawWrites.redis(e, j -> j.aclSetUser("limited", "reset", "on", ">limited-pw-1", "~sh:*", "+@all"));
        try {
            java.nio.file.Path results = java.nio.file.Path.of("target", "cli-acl-" + System.nanoTime());
            Cli.Result r = Cli.run(Map.of(), "bench", "--layouts", "redis-hash,redis-json", "--benchmarks", "request",
                    "--forks", "0", "--warmup-iterations", "0", "--iterations", "1", "--iteration-seconds", "0.2",
                    "--live-sessions", "20", "--results", results.toString(),
                    "--redis", "redis://limited:limited-pw-1@127.0.0.1:" + e.redisServer().port());
            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            assertThat(r.output()).contains("skipping redis-json").contains("does not allow user 'limited'")
                    .contains("skipped for lack of ACL permissions: redis-json").doesNotContain("limited-pw-1");
            // the layout is refused with each of the three clients: its line is said once
            assertThat(r.output().lines().filter(l -> l.contains("skipping redis-json"))).hasSize(1);
            java.nio.file.Path run;
            try (var s = java.nio.file.Files.list(results)) {
                run = s.findFirst().orElseThrow();
            }
            assertThat(io.sessionbench.report.BenchRecord.read(run.resolve("jmh.json")))
                    .extracting(io.sessionbench.report.BenchRecord::layout).containsOnly("redis-hash").isNotEmpty();
            assertThat(run.resolve("INCOMPLETE")).exists();
        } finally {
            io.sessionbench.testing.RawWrites.redis(e, j -> j.aclDelUser("limited"));
        }
    }

    /** A Postgres URI whose port is not a number names the port, not a missing host; nothing is written. */
    @Test
    void aPostgresUriWithAPortThatIsNoNumberNamesThePort() {
        java.nio.file.Path results = java.nio.file.Path.of("target", "cli-pg-port-" + System.nanoTime());
        Cli.Result r = Cli.run(Map.of(), "bench", "--layouts", "postgres", "--postgres", "postgresql://u:secretpw@127.0.0.1:abc/db",
                "--results", results.toString());
        assertOneLineError(r, 2, "has port 'abc'", "a port is a number from 1 to 65535");
        assertThat(r.output()).doesNotContain("has no host").doesNotContain("secretpw");
        assertThat(results).doesNotExist();
    }

    /** Two runs with no benchmark in common are a usage error naming what each side has, not noise (exit 2, not 3). */
    @Test
    void compareOfRunsWithNothingInCommonSaysWhatEachSideHas(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path a = java.nio.file.Files.createDirectories(dir.resolve("a"));
        java.nio.file.Path b = java.nio.file.Files.createDirectories(dir.resolve("b"));
        java.nio.file.Files.writeString(a.resolve("jmh.json"), "[" + io.sessionbench.testing.JmhRecords.request("redis-hash", "lettuce", 10_000, 0) + "]");
        java.nio.file.Files.writeString(b.resolve("jmh.json"), "[" + io.sessionbench.testing.JmhRecords.of("updateAttribute", "postgres",
                "lettuce", 3_000, 0, 0, 3) + "]");
        Cli.Result r = Cli.run(Map.of(), "compare", a.toString(), b.toString());
        assertOneLineError(r, 2, "nothing in common to compare", "the baseline has request redis-hash/lettuce 2KB t1",
                "the current run has updateAttribute postgres 2KB t1");
        assertThat(r.output()).doesNotContain("cannot judge");
    }

    /** load refuses an unreachable target before anything starts, as bench does: exit 2, one line, no results folder. */
    @Test
    void loadRefusesAnUnreachableTargetBeforeWritingAnything() {
        java.nio.file.Path results = java.nio.file.Path.of("target", "cli-load-unreachable-" + System.nanoTime());
        Cli.Result r = Cli.run(Map.of(), "load", "scenarios/auth-read-heavy.yaml", "--layouts", "redis-hash",
                "--redis", "redis://:pw-unreach-1@127.0.0.1:1", "--results", results.toString());
        assertOneLineError(r, 2, "redis-hash", "127.0.0.1:1", "nothing was written");
        assertThat(r.output()).doesNotContain("pw-unreach-1");
        assertThat(results).doesNotExist();
    }

    /** A scenario file that is not text says so, not "Input length = 3". */
    @Test
    void aBinaryScenarioFileIsNotText(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("garbage.yaml");
        java.nio.file.Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, 0x00, (byte) 0x80, 0x41});
        Cli.Result r = Cli.run(Map.of(), "load", f.toString());
        assertOneLineError(r, 2, "garbage.yaml: not a text file (not UTF-8)");
        assertThat(r.output()).doesNotContain("Input length");
    }

    /** A gate budget that cannot hold the two rounds a verdict needs is refused with the smallest one that can. */
    @Test
    void aGateBudgetTooSmallForTwoRoundsNamesTheSmallestThatFits() {
        Cli.Result r = Cli.run(Map.of(), "gate", "--base", "target/none-base.jar", "--head", "target/none-head.jar", "--budget", "0s");
        assertOneLineError(r, 2, "--budget 0s cannot hold the 2 screen rounds a verdict needs", "give --budget ");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("give --budget (\\d+)s at least").matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        Cli.Result enough = Cli.run(Map.of(), "gate", "--base", "target/none-base.jar", "--head", "target/none-head.jar",
                "--budget", m.group(1) + "s");
        assertThat(enough.output()).as("the budget it names passes that check").doesNotContain("cannot hold");
    }

    @Test
    void jmhKeepsItsOwnCommandLine() {
        Cli.Result r = Cli.run(Map.of(), "-l");
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("io.sessionbench.bench.SessionOps.request");
    }
}
