package io.sessionbench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.infra.Targets;
import io.sessionbench.metrics.ClusterLoad;
import io.sessionbench.report.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;

/**
 * One run's results folder and the record of its conditions, shared by {@code bench} and {@code load}: the folder is
 * made and the conditions recorded ({@link #begin}), and what was measured is written once ({@link #write}) on
 * every exit path: at the end, on a failure, or from a shutdown hook on Ctrl-C. The command's own files come from
 * its {@link Results}; {@code env.json} holds the conditions and when the run finished; an incomplete run says why
 * in {@code env.json} and in an {@code INCOMPLETE} file. A folder whose conditions were never recorded is removed.
 */
public final class RunRecord {
    /** The command's own result files (JMH's {@code jmh.json}, …). */
    public interface Results {
        boolean any();

        void writeTo(Path out) throws IOException;
    }

    private final Results results;
    private volatile Path out;
    private volatile ObjectNode run;
    private volatile ObjectNode env;
    private volatile String current = "start-up";
    private volatile Targets targets;
    private volatile List<ClusterLoad.Node> clusterBefore = List.of();
    private boolean written;

    public RunRecord(Results results) {
        this.results = results;
    }

    /** A record whose command writes its own result files as it goes (the open-loop steps): only the conditions here. */
    public RunRecord() {
        this(new Results() {
            @Override
            public boolean any() {
                return false;
            }

            @Override
            public void writeTo(Path out) {
            }
        });
    }

    /**
     * Makes {@code <resultsRoot>/<date>_<time>_<label>/} with its {@code histograms} folder and records the run:
     * {@code profile}, the folder's name as {@code label}, then {@code fields} (the command's own: forks, start
     * instant…), the machine and the servers ({@link Environment#collect}); snapshots a cluster's load to report the
     * run's share of it ({@link #clusterLoad}). Returns the folder.
     */
    public Path begin(Targets t, Path resultsRoot, String label, String profile, ObjectNode fields) throws IOException {
        Path folder = ResultsFolder.fresh(resultsRoot, label);
        out = folder;
        Files.createDirectories(folder.resolve("histograms"));
        ObjectNode r = new ObjectMapper().createObjectNode();
        r.put("profile", profile);
        r.put("label", folder.getFileName().toString());
        r.setAll(fields);
        run = r;
        targets = t;
        env = Environment.collect(t, r);
        clusterBefore = ClusterLoad.snapshot(t.endpoints().redisCluster());
        return folder;
    }

    /** A new, ordered node for {@link #begin}'s {@code fields}. */
    public static ObjectNode fields() {
        return new ObjectMapper().createObjectNode();
    }

    /** The step the run is at, named if it is interrupted there. */
    public void at(String step) {
        current = step;
    }

    public String current() {
        return current;
    }

    public Path out() {
        return out;
    }

    /** The {@code run} object of {@code env.json}, for what the command learns as it goes. */
    public ObjectNode run() {
        return run;
    }

    public boolean hasResults() {
        return results.any();
    }

    /** Adds to {@code env.json} how much of a Redis Cluster's load came from this run ({@code span} says over what). */
    public void clusterLoad(String span) {
        if (env != null) {
            ClusterLoadReport.add(env, clusterBefore, targets.endpoints().redisCluster(), span);
        }
    }

    /**
     * Writes the results, env.json and, when {@code incomplete} is not null, the INCOMPLETE marker, once; returns
     * whether this call wrote them (the caller then writes the report).
     */
    public synchronized boolean write(String incomplete) {
        if (written || out == null || env == null) {
            if (out != null && env == null && !written) {
                ResultsFolder.discard(out);
            }
            return false;
        }
        written = true;
        try {
            if (results.any()) {
                results.writeTo(out);
            }
            run.put("finished", LocalDateTime.now().toString());
            if (incomplete != null) {
                run.put("incomplete", incomplete);
                Files.writeString(out.resolve("INCOMPLETE"), incomplete + "\n");
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("env.json").toFile(), env);
        } catch (IOException | RuntimeException e) {
            System.err.println("sessionbench: could not write the results into " + out + ": " + e.getMessage());
        }
        return true;
    }
}
