package io.sessionbench.cli;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.k8s.K8sJob;
import io.sessionbench.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code k8s job}: prints the manifests of a run of N load generators for {@code kubectl apply -f -}. */
@Command(name = "k8s", mixinStandardHelpOptions = true,
        header = "Print Kubernetes manifests that run N load generators on one schedule (kubectl apply -f -).",
        subcommands = K8sCommand.JobCommand.class)
final class K8sCommand {

    @Command(name = "job", mixinStandardHelpOptions = true,
            header = "Print a ConfigMap with the scenario and an Indexed Job of N generators sharing one start instant.",
            description = {"Pod I runs 'load --generator I/N' from JOB_COMPLETION_INDEX. Target URIs and passwords come from the "
                    + "Secret you name (keys SESSIONBENCH_REDIS_URI, SESSIONBENCH_POSTGRES_URI, SESSIONBENCH_MEMCACHED, …), never "
                    + "from these manifests. Every generator writes its results folder to the volume claim; copy them out and run "
                    + "'merge' (see docs/load.md, several generators)."})
    static final class JobCommand implements Callable<Integer> {
        @Parameters(paramLabel = "SCENARIO", description = "the scenario file, e.g. scenarios/auth-read-heavy.yaml")
        Path scenario;

        @Option(names = "--generators", required = true, description = "number of generator pods (N)")
        int generators;

        @Option(names = "--image", required = true, description = "the sessionbench image (built from the Dockerfile)")
        String image;

        @Option(names = "--secret", required = true, description = "name of the Secret holding the target settings as SESSIONBENCH_* keys")
        String secret;

        @Option(names = "--results-claim", required = true, description = "a ReadWriteMany PersistentVolumeClaim for the sessions file and results")
        String resultsClaim;

        @Option(names = "--name", description = "Job name (default: sessionbench-<scenario name>)")
        String name;

        @Option(names = "--namespace", defaultValue = "default", description = "namespace (default ${DEFAULT-VALUE})")
        String namespace;

        @Option(names = "--start-at", paramLabel = "INSTANT", description = "shared start instant, ISO-8601 UTC (default: now + --start-in)")
        String startAt;

        @Option(names = "--start-in", defaultValue = "3m", description = "time from now to the start, for pulling images and "
                + "scheduling pods (default ${DEFAULT-VALUE})")
        String startIn;

        @Option(names = "--cpu", defaultValue = "2", description = "CPU request = limit per generator (default ${DEFAULT-VALUE})")
        String cpu;

        @Option(names = "--memory", defaultValue = "2Gi", description = "memory request = limit per generator (default ${DEFAULT-VALUE})")
        String memory;

        @Option(names = "--rate", description = "total rate of all generators (overrides the scenario's)")
        Double rate;

        @Option(names = "--duration", description = "measured duration per rate, e.g. 60s")
        String duration;

        @Option(names = "--connections", description = "connections per generator")
        Integer connections;

        @Override
        public Integer call() throws Exception {
            Limits.range("--generators", generators, 1, 1000);
            Limits.range("--rate", rate, 1, 10_000_000);
            Limits.range("--connections", connections, 1, ScenarioLoader.MAX_CONNECTIONS);
            var s = ScenarioLoader.load(scenario);
            String jobName = name != null ? name : "sessionbench-" + s.name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
            if (!jobName.matches("[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?")) {
                throw new ConfigException("--name " + jobName + " is not a Kubernetes name (lower-case letters, digits and '-', at most 52 characters)");
            }
            for (String[] kv : new String[][] {{"--secret", secret}, {"--results-claim", resultsClaim}, {"--namespace", namespace}}) {
                if (!kv[1].matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
                    throw new ConfigException(kv[0] + " " + kv[1] + " is not a Kubernetes object name");
                }
            }
            Instant start;
            if (startAt != null) {
                try {
                    start = Instant.parse(startAt);
                } catch (java.time.format.DateTimeParseException e) {
                    throw new ConfigException("--start-at " + startAt + " is not an ISO-8601 UTC instant such as 2026-11-28T21:00:00Z");
                }
            } else {
                Duration in = io.sessionbench.infra.Durations.of("--start-in", startIn);
                start = Instant.now().plus(in).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            }
            List<String> extra = new ArrayList<>();
            if (rate != null) {
                extra.addAll(List.of("--rate", String.valueOf(rate)));
            }
            if (duration != null) {
                io.sessionbench.infra.Durations.of("--duration", duration);
                extra.addAll(List.of("--duration", duration));
            }
            if (connections != null) {
                extra.addAll(List.of("--connections", String.valueOf(connections)));
            }
            K8sJob.quantity("--cpu", cpu);
            K8sJob.quantity("--memory", memory);
            String file = scenario.getFileName().toString();
            System.out.print(K8sJob.yaml(K8sJob.objects(new K8sJob.Spec(jobName, namespace, file, Files.readString(scenario), generators,
                    start, image, secret, resultsClaim, cpu, memory, extra))));
            System.err.println("sessionbench: " + generators + " generators start at " + start + "; apply now: kubectl apply -f -");
            return 0;
        }
    }
}
