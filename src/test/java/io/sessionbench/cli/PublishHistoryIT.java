package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publish job of {@code benchmarks.yml} as it runs on GitHub, against a local 'origin': {@code
 * scripts/publish-history.sh} creates {@code gh-pages} on first use, adds each run to the history there, builds the
 * site and pushes; the second run lands on the branch the first made. A folder that is no run is refused before
 * anything is written or pushed.
 */
class PublishHistoryIT {
    private static final Path SCRIPT = Path.of("scripts/publish-history.sh").toAbsolutePath();
    private static final Path JAR = Path.of("target/benchmarks.jar").toAbsolutePath();
    private static final Path RUNS = Path.of("results/2026-12-06_quick-rounds").toAbsolutePath();

    @Test
    void twoMainRunsLandOnGhPagesWithTheHistoryAndItsSite(@TempDir Path dir) throws Exception {
        Path origin = dir.resolve("origin.git");
        Path work = dir.resolve("work");
        git(dir, "init", "-q", "--bare", origin.toString());
        git(dir, "clone", "-q", origin.toString(), work.toString());
        git(work, "config", "user.name", "publish test");
        git(work, "config", "user.email", "publish@test.invalid");
        Files.writeString(work.resolve("README.md"), "main\n");
        git(work, "add", "README.md");
        git(work, "commit", "-qm", "main");
        git(work, "push", "-q", "origin", "HEAD:refs/heads/main");
        Path summary = dir.resolve("summary.md");

        Result first = publish(work, RUNS.resolve("2026-12-06_072959_readme-quick-1"), "1111111111aaaa", summary);
        assertThat(first.code()).as(first.output()).isZero();
        Result second = publish(work, RUNS.resolve("2026-12-06_073904_readme-quick-2"), "2222222222bbbb", summary);
        assertThat(second.code()).as(second.output()).isZero();

        String files = git(dir, "--git-dir", origin.toString(), "ls-tree", "-r", "--name-only", "gh-pages");
        assertThat(files).contains("index.html").contains("history/history.json");
        assertThat(files.lines().filter(f -> f.startsWith("history/runs/"))).hasSize(2);
        assertThat(git(dir, "--git-dir", origin.toString(), "log", "--format=%s", "gh-pages").lines())
                .containsExactly("history: add 22222222", "history: add 11111111");
        assertThat(Files.readString(summary)).contains("## Change points in the history of main");
        assertThat(work.resolve("pages")).as("the branch's checkout removed again").doesNotExist();

        Result refused = publish(work, dir, "3333333333cccc", summary);
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.output()).contains("is not a bench run (no jmh.json)");
        assertThat(git(dir, "--git-dir", origin.toString(), "log", "--format=%s", "gh-pages").lines()).hasSize(2);
    }

    private record Result(int code, String output) {
    }

    private static Result publish(Path work, Path run, String commit, Path summary) throws Exception {
        return exec(work, List.of("bash", SCRIPT.toString(), run.toString(), commit, JAR.toString(), summary.toString()));
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Result r = exec(dir, cmd);
        assertThat(r.code()).as(String.join(" ", cmd) + ": " + r.output()).isZero();
        return r.output();
    }

    private static Result exec(Path dir, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
