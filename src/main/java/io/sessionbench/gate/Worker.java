package io.sessionbench.gate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * One build's JMH host, kept for a whole gate: the gate sends it a trial (JMH's command-line arguments as one JSON
 * line), it runs JMH in its own JVM, which forks the trial's JVM from the build's jar, and answers one line. A trial
 * then costs its fork only; before, each trial started a host JVM of its own as well (about 1.5 s here: JVM start, JMH's
 * benchmark list, the fork's launch). A build without the {@code gate-worker} command (older than this class) is run
 * the old way, one {@code java -jar} per trial ({@link TrialRunner}).
 */
public final class Worker implements AutoCloseable {
    static final String READY = "sessionbench-worker ready";
    static final String DONE = "sessionbench-worker done ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final BufferedReader answers;
    private final BufferedWriter requests;

    private Worker(Process process, BufferedReader answers) {
        this.process = process;
        this.answers = answers;
        this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    /** Starts {@code jar}'s worker; {@code null} when the build has none (its first line is not {@link #READY}). */
    static Worker start(Path jar, Path errors) throws IOException {
        Process p = new ProcessBuilder(TrialRunner.java(), "-Xmx256m", "-jar", jar.toString(), "gate-worker")
                .redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile())).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        if (READY.equals(first)) {
            return new Worker(p, r);
        }
        p.destroy();
        return null;
    }

    /**
     * Runs one trial: JMH's arguments (with {@code -o log}, so JMH's output goes to the trial's log); returns JMH's exit
     * code as {@code java -jar} would give it (0 ran, 1 failed, 2 bad arguments), -1 when the worker died.
     */
    synchronized int run(List<String> jmhArgs, Path log) throws IOException {
        requests.write(JSON.writeValueAsString(jmhArgs));
        requests.newLine();
        requests.flush();
        for (String line; (line = answers.readLine()) != null; ) {
            if (line.startsWith(DONE)) {
                String[] f = line.substring(DONE.length()).split(" ", 2);
                if (f.length > 1) {
                    Files.writeString(log, f[1] + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
                return Integer.parseInt(f[0]);
            }
            Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return -1;
    }

    /** Ends the worker: its stdin closes, it exits; one that does not within 10 s is killed. */
    @Override
    public void close() throws IOException {
        try {
            requests.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The worker's side: answers trials read from {@code in} until it closes. */
    public static int serve(InputStream in, PrintStream out) throws IOException {
        out.println(READY);
        out.flush();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            if (line.isBlank()) {
                continue;
            }
            int code;
            String why = "";
            try {
                String[] args = JSON.readValue(line, new TypeReference<List<String>>() { }).toArray(String[]::new);
                List<String> problems = io.sessionbench.bench.BenchParams.problems(args);
                if (!problems.isEmpty()) {
                    code = 2;
                    why = "sessionbench: " + problems.get(0);
                } else {
                    new Runner(new CommandLineOptions(args)).run();
                    code = 0;
                }
            } catch (org.openjdk.jmh.runner.options.CommandLineOptionException e) {
                code = 2;
                why = "sessionbench: bad JMH arguments: " + e.getMessage();
            } catch (Exception e) {
                code = 1;
                why = "sessionbench: the trial failed: " + e;
            }
            out.println(DONE + code + (why.isEmpty() ? "" : " " + why.replace('\n', ' ')));
            out.flush();
        }
        return 0;
    }
}
