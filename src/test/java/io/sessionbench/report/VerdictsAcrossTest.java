package io.sessionbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerdictsAcrossTest {
    @TempDir
    Path dir;

    /** A bench results folder with {@code request} at 2 KB on two layouts, three forks of four iterations each. */
    private Path run(String name, double memcached, double postgres) throws Exception {
        Path folder = dir.resolve(name);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("jmh.json"), "[" + record("memcached-blob", memcached) + "," + record("postgres", postgres) + "]");
        return folder;
    }

    private static String record(String layout, double ok) {
        return io.sessionbench.testing.JmhRecords.request(layout, "lettuce", ok, 0);
    }

    @Test
    void aPairJudgedBothWaysIsNamedAndAClearDifferenceJudgedEveryTimeIsCounted() throws Exception {
        Path a = run("a", 16_000, 5_000);
        Path b = run("b", 15_500, 5_200);
        String same = VerdictsAcross.markdown(List.of(a, b));
        assertThat(same).contains("| postgres | 0.31× slower | 0.34× slower |")
                .contains("No pair of backends is judged slower in one run and faster in another")
                .contains("measured on two forks or more: 2, judged slower in 2.");
        String flipped = VerdictsAcross.markdown(List.of(a, run("c", 5_000, 16_000)));
        assertThat(flipped).contains("memcached-blob judged faster than postgres in run(s) [1], slower in run(s) [2]");
    }
}
