package io.sessionbench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionbench.bench.Profile;
import io.sessionbench.metrics.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;

/**
 * The rounds a run's benchmarks are measured in (RMIT: Abedi &amp; Brecht, ICPE 2017): each round one fork of every
 * benchmark that still needs one, in an order drawn at random from a recorded seed, so the machine's drift over the
 * run lands on every benchmark alike instead of on whichever ran at the time. {@code bench} runs its forks through
 * it; {@code gate} and {@code dimension} draw their rounds' orders from it ({@link #shuffled}). The forks of one benchmark are merged
 * into one JMH record (one {@code rawData} row per fork), so {@code jmh.json} reads as before.
 */
public final class Rounds {
    /**
     * One benchmark of a run: a spec narrowed to one operation and one value of every parameter, and how many forks
     * (rounds) it gets.
     */
    public record Unit(Profile.RunSpec spec, Operation operation, Map<String, String> params, int forks) {
        public Unit {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }

        /** JMH's include pattern: exactly this benchmark method. */
        public String include() {
            return "io\\.sessionbench\\.bench\\.SessionOps\\." + operation.label() + "$";
        }

        /** {@code request layout=redis-hash client=lettuce sessionBytes=2048 …}: the benchmark as one line. */
        public String label() {
            StringBuilder b = new StringBuilder(operation.label());
            params.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            return b.toString();
        }
    }

    private Rounds() {
    }

    /** Every benchmark of {@code specs}, in the specs' order, each with the forks {@code forks} gives its spec. */
    public static List<Unit> units(List<Profile.RunSpec> specs, java.util.function.ToIntFunction<Profile.RunSpec> forks) {
        List<Unit> out = new ArrayList<>();
        for (Profile.RunSpec s : specs) {
            for (Operation op : s.operations()) {
                List<Map<String, String>> combos = new ArrayList<>(List.of(new LinkedHashMap<>()));
                s.params().forEach((key, values) -> {
                    List<Map<String, String>> next = new ArrayList<>();
                    for (Map<String, String> c : combos) {
                        for (String v : values) {
                            Map<String, String> m = new LinkedHashMap<>(c);
                            m.put(key, v);
                            next.add(m);
                        }
                    }
                    combos.clear();
                    combos.addAll(next);
                });
                for (Map<String, String> c : combos) {
                    out.add(new Unit(s, op, c, Math.max(1, forks.applyAsInt(s))));
                }
            }
        }
        return out;
    }

    /** Round r (0-based) holds every unit with more than r forks, in an order drawn from {@code order}. */
    public static List<List<Unit>> plan(List<Unit> units, Random order) {
        int rounds = units.stream().mapToInt(Unit::forks).max().orElse(0);
        List<List<Unit>> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            int round = r;
            out.add(shuffled(units.stream().filter(u -> u.forks() > round).toList(), order));
        }
        return out;
    }

    /** A copy of {@code items} in an order drawn from {@code order}: every round engine's one way to order a round. */
    public static <T> List<T> shuffled(List<T> items, Random order) {
        List<T> copy = new ArrayList<>(items);
        Collections.shuffle(copy, order);
        return copy;
    }

    /** One JMH record per unit, its forks' results merged in the order they ran. */
    public static List<RunResult> merged(Map<Unit, List<RunResult>> byUnit) {
        List<RunResult> out = new ArrayList<>();
        byUnit.forEach((unit, results) -> {
            if (results.isEmpty()) {
                return;
            }
            List<BenchmarkResult> forks = new ArrayList<>();
            results.forEach(r -> forks.addAll(r.getBenchmarkResults()));
            out.add(new RunResult(results.get(0).getParams(), forks));
        });
        return out;
    }

    /**
     * Sets each record's {@code forks} to the forks it holds (JMH wrote the 1 each fork was launched with), so a reader
     * of {@code jmh.json} sees the forks it can count in {@code rawData}.
     */
    public static void fixForkCounts(Path jmhJson) throws IOException {
        ObjectMapper m = new ObjectMapper();
        JsonNode root = m.readTree(jmhJson.toFile());
        if (!(root instanceof ArrayNode records)) {
            return;
        }
        for (JsonNode n : records) {
            JsonNode raw = n.path("primaryMetric").path("rawData");
            if (n instanceof ObjectNode o && raw.isArray()) {
                o.put("forks", raw.size());
            }
        }
        m.writerWithDefaultPrettyPrinter().writeValue(jmhJson.toFile(), root);
    }

    /** {@code rounds.csv}: round, position in it, the benchmark, its fork's seconds and outcome, one line per fork. */
    public static final class Log {
        private final StringBuilder csv = new StringBuilder("round,position,benchmark,seconds,outcome\n");

        public synchronized void add(int round, int position, Unit u, double seconds, String outcome) {
            csv.append(String.format(Locale.ROOT, "%d,%d,%s,%.2f,%s%n", round, position, u.label(), seconds,
                    outcome.replace(',', ';').replace('\n', ' ')));
        }

        public synchronized void writeTo(Path dir) throws IOException {
            Files.writeString(dir.resolve("rounds.csv"), csv.toString());
        }
    }
}
