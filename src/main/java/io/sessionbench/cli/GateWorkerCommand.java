package io.sessionbench.cli;

import io.sessionbench.gate.Worker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code gate-worker}: the JMH host of one build for the whole of a {@code gate} or {@code dimension} run (internal).
 * It reads one trial per line on stdin (a JSON array of JMH command-line arguments), runs it in this JVM, which forks
 * the trial's JVM from this build's jar, and answers one line on stdout ({@link Worker}); so a trial costs its fork,
 * not also a host JVM's start.
 */
@Command(name = "gate-worker", hidden = true, description = "internal: runs gate trials sent on stdin (one JSON array of JMH arguments per line)")
final class GateWorkerCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        return Worker.serve(System.in, System.out);
    }
}
