package io.sessionbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionbench.gate.GateTarget;
import io.sessionbench.gate.Trial;
import io.sessionbench.infra.ConfigException;
import io.sessionbench.testing.Cli;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gate} end to end on a tiny budget: one build against itself, in child JVMs as a user runs it. */
class GateIT {
    @TempDir
    Path dir;

    /**
     * A jar that runs this build as {@code java -jar} does: the test class path in its manifest, so the gate starts
     * and checks it like a real {@code target/benchmarks.jar} (tests run before the shaded jar is packaged).
     */
    private Path launcherJar() throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.sessionbench.cli.Main");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" ")));
        Path jar = dir.resolve("build.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }

    @Test
    void theStudySlowdownIsNamedInEveryOutputAndTheFolderJudgesAgainTheSame() throws Exception {
        Path jar = launcherJar();
        Path results = dir.resolve("results");
        Cli.Result r = Cli.run(Map.of(), "gate", "--base", jar.toString(), "--head", jar.toString(), "--benchmarks", "memory",
                "--rounds", "2", "--warmup-iterations", "0", "--iterations", "2", "--iteration-seconds", "0.2",
                "--head-slowdown", "15%:memory", "--seed", "1", "--results", results.toString());
        // the head is slowed by 15 %: two rounds may or may not resolve it (exit 1 or 0/3), but the gate decides (no usage error)
        assertThat(r.exitCode()).as(r.output()).isIn(0, 1, 3);
        assertThat(r.output()).contains("STUDY ONLY").contains("in request memory 2KB t1 only").contains("resolution")
                .contains("screen: 2 round(s)").contains("false alarms:")
                // one JMH host per build for the whole gate: a trial costs its fork only
                .contains("one JMH host for every trial");
        Path out;
        try (Stream<Path> s = Files.list(results)) {
            out = s.findFirst().orElseThrow();
        }
        assertThat(out.getFileName().toString()).contains("gate-slowed");
        String md = Files.readString(out.resolve("gate.md"));
        assertThat(md).contains("STUDY ONLY");
        // what failed comes before what the speed says, in the file the pull request's job summary shows
        List<Trial> trials = Trial.read(out.resolve("trials.csv"));
        // two screen rounds, and two confirmation rounds when the screen flagged the benchmark
        assertThat(trials.size()).isIn(4, 8);
        assertThat(trials.subList(0, 4)).allMatch(t -> t.stage() == Trial.Stage.SCREEN);
        assertThat(trials.subList(4, trials.size())).allMatch(t -> t.stage() == Trial.Stage.CONFIRM);
        assertThat(md).contains("failed calls: none, in " + trials.size() / 2 + " base and " + trials.size() / 2 + " head trials");
        assertThat(md.indexOf("failed calls:")).isLessThan(md.indexOf("(exit "));
        assertThat(Files.readString(out.resolve("gate.json"))).contains("\"failedCalls\"");
        assertThat(Files.readString(out.resolve("gate.json"))).contains("STUDY ONLY");
        assertThat(Files.readString(out.resolve("env.json"))).contains("head slowed");
        assertThat(trials).filteredOn(t -> t.side() == Trial.Side.HEAD).allMatch(t -> t.slowdownNanos() > 0);
        assertThat(trials).filteredOn(t -> t.side() == Trial.Side.BASE).allMatch(t -> t.slowdownNanos() == 0);
        assertThat(trials).allMatch(t -> t.ok().length == 2);
        // The folder judges again to the same exit code, from trials.csv alone.
        Cli.Result again = Cli.run(Map.of(), "gate", "--analyze", out.toString());
        assertThat(again.exitCode()).as(again.output()).isEqualTo(r.exitCode());
        assertThat(again.output()).contains("STUDY ONLY");
        try (Stream<Path> s = Files.list(out.resolve("trials"))) {
            assertThat(s.toList()).as("trial JSON and logs are removed once read").isEmpty();
        }
    }

    @Test
    void aMissingJarOrAnUnknownBenchmarkIsOneLine() throws Exception {
        Cli.Result r = Cli.run(Map.of(), "gate", "--base", dir.resolve("nope.jar").toString(), "--head", dir.resolve("nope.jar").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output().strip().lines().count()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("nope.jar is not a file");
        Cli.Result slowed = Cli.run(Map.of(), "gate", "--base", "x.jar", "--head", "x.jar", "--benchmarks", "memory", "--head-slowdown", "15%:postgres");
        assertThat(slowed.exitCode()).isEqualTo(2);
        assertThat(slowed.output().strip().lines()).hasSize(1);
        assertThat(slowed.output().strip()).endsWith(": --head-slowdown: 'postgres' is not one of the gate's benchmarks "
                + "(request memory 2KB t1); name one of them or add it to --benchmarks");
        Cli.Result b = Cli.run(Map.of(), "gate", "--base", "x.jar", "--head", "x.jar", "--benchmarks", "redis-hash/hiredis");
        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(b.output()).contains("unknown Redis client 'hiredis'");
    }

    @Test
    void benchmarksParseFromTheirLabels() {
        assertThat(GateTarget.parse("redis-hash/jedis").label()).isEqualTo("request redis-hash/jedis 2KB t1");
        assertThat(GateTarget.parse("load:postgres").label()).isEqualTo("load postgres 2KB t1");
        assertThat(GateTarget.parse("redis-json").label()).isEqualTo("request redis-json/lettuce 2KB t1");
        assertThatThrownBy(() -> GateTarget.parse("postgres/jedis")).isInstanceOf(ConfigException.class).hasMessageContaining("no Redis client");
        assertThatThrownBy(() -> GateTarget.parse("frobnicate:postgres")).isInstanceOf(ConfigException.class).hasMessageContaining("unknown operation");
        assertThatThrownBy(() -> GateTarget.parseAll(List.of("postgres", "postgres"))).hasMessageContaining("given twice");
    }
}
