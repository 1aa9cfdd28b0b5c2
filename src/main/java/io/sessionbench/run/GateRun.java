package io.sessionbench.run;

import io.sessionbench.gate.Gate;
import io.sessionbench.gate.GateVerdict;
import io.sessionbench.gate.Trial;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.Targets;
import io.sessionbench.report.Judge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * A {@code gate} run: a results folder, the targets (the local stack starting what is not given), the rounds of
 * trials, and on every exit path the trials written and the secrets removed; Ctrl-C writes the verdict of the trials
 * so far, marked interrupted. Returns {@link GateVerdict#exitCode()}, or 1 when a head trial failed and 3 when a base
 * trial did (a failing base build cannot judge the head).
 */
public final class GateRun {
    private GateRun() {
    }

    public static int call(Gate.Settings settings, Targeting targeting, Path stackDir, Path resultsRoot, String label) throws Exception {
        Set<LocalStack.Server> needed = EnumSet.noneOf(LocalStack.Server.class);
        settings.targets().forEach(t -> t.target().layout().server().ifPresent(needed::add));
        Path out = ResultsFolder.fresh(resultsRoot, settings.headSlowdownPercent() > 0 ? label + "-slowed" : label);
        System.out.println("gate: results in " + out + (settings.headSlowdownPercent() > 0 ? " · " + settings.slowdownWords() : ""));
        Gate gate = new Gate(settings, out, System.out);
        Thread onExit = new Thread(() -> {
            gate.removeSecrets();
            try {
                if (!Files.exists(out.resolve("gate.json")) && gate.trialCount() > 0) {
                    gate.write(gate.verdict(), "interrupted after " + gate.trialCount() + " trials");
                }
            } catch (Exception ignored) {
                // the JVM is exiting; trials.csv is already written trial by trial
            }
        }, "sessionbench-gate-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        try (Targets t = targeting.resolve(needed, stackDir)) {
            for (String line : t.endpoints().describe()) {
                System.out.println("gate: target " + line);
            }
            GateVerdict v;
            try {
                v = gate.run(t);
            } catch (Gate.TrialFailed e) {
                gate.write(gate.verdict(), e.getMessage());
                System.err.println("sessionbench: " + e.getMessage());
                return e.side == Trial.Side.HEAD ? 1 : Judge.CANNOT_JUDGE;
            }
            System.out.println();
            System.out.print(v.console());
            System.out.println("gate: written to " + out.resolve("gate.md"));
            return v.exitCode();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }
}
