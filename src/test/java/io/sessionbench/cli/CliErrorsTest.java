package io.sessionbench.cli;

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
        String uri = "redis://:definitely-wrong-pw@127.0.0.1:" + e.redis().port();
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

    @Test
    void jmhKeepsItsOwnCommandLine() {
        Cli.Result r = Cli.run(Map.of(), "-l");
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("io.sessionbench.bench.SessionOps.request");
    }
}
