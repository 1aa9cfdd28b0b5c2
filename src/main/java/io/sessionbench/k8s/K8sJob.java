package io.sessionbench.k8s;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects of a run of N load generators: a ConfigMap holding the scenario and an Indexed Job with
 * {@code completions = parallelism = N}, whose pod I runs {@code load --generator I/N} (from
 * {@code JOB_COMPLETION_INDEX}) at one shared {@code --start-at}, with the target's credentials taken from a Secret the
 * user names (never inlined), sessions preloaded once by generator 0 into the shared results volume, and each
 * generator's results folder written there for {@code merge}. Built as fabric8 model objects, printed as YAML.
 */
public final class K8sJob {
    /**
     * {@code text} as a Kubernetes quantity (fabric8's parser: {@code 2}, {@code 500m}, {@code 2Gi}), positive; else a
     * one-line error naming {@code option}.
     */
    public static Quantity quantity(String option, String text) {
        try {
            Quantity q = new Quantity(text);
            if (q.getNumericalAmount().signum() > 0) {
                return q;
            }
        } catch (RuntimeException notAQuantity) {
            // said below
        }
        throw new io.sessionbench.infra.ConfigException(option + " '" + text + "' is not a positive Kubernetes quantity (e.g. 2, 500m, 2Gi)");
    }

    /** Where the image keeps the jar ({@code Dockerfile}). */
    public static final String JAR = "/app/benchmarks.jar";
    public static final String SCENARIO_DIR = "/scenario";
    public static final String RESULTS_DIR = "/results";
    public static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";

    /** What the user chose; the scenario's text goes into the ConfigMap as it is. */
    public record Spec(String name, String namespace, String scenarioFile, String scenarioText, int generators, Instant startAt,
                       String image, String secret, String resultsClaim, String cpu, String memory, List<String> extraArgs) {
    }

    private K8sJob() {
    }

    public static List<HasMetadata> objects(Spec s) {
        String scenarioKey = s.scenarioFile();
        ConfigMap scenario = new ConfigMapBuilder()
                .withNewMetadata().withName(s.name() + "-scenario").withNamespace(s.namespace())
                .addToLabels("app.kubernetes.io/name", "sessionbench").addToLabels("sessionbench/run", s.name()).endMetadata()
                .addToData(scenarioKey, s.scenarioText())
                .build();
        List<String> args = new ArrayList<>(List.of("-jar", JAR, "load", SCENARIO_DIR + "/" + scenarioKey,
                "--generator", "$(JOB_COMPLETION_INDEX)/" + s.generators(),
                "--start-at", s.startAt().toString(),
                "--sessions-dir", RESULTS_DIR + "/" + s.name() + "-sessions",
                "--results", RESULTS_DIR,
                "--label", s.name()));
        args.addAll(s.extraArgs());
        Map<String, Quantity> resources = Map.of("cpu", new Quantity(s.cpu()), "memory", new Quantity(s.memory()));
        Job job = new JobBuilder()
                .withNewMetadata().withName(s.name()).withNamespace(s.namespace())
                .addToLabels("app.kubernetes.io/name", "sessionbench").addToLabels("sessionbench/run", s.name()).endMetadata()
                .withNewSpec()
                .withCompletionMode("Indexed")
                .withCompletions(s.generators())
                .withParallelism(s.generators())
                // a generator that fails is a gap in the schedule, not something to retry late
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewMetadata().addToLabels("app.kubernetes.io/name", "sessionbench").addToLabels("sessionbench/run", s.name()).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                // one generator per node where the cluster has room: generators on one node compete for its CPU
                .withNewAffinity().withNewPodAntiAffinity().addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100).withNewPodAffinityTerm().withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector().addToMatchLabels("sessionbench/run", s.name()).endLabelSelector()
                .endPodAffinityTerm().endPreferredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().endAffinity()
                .addNewContainer()
                .withName("generator")
                .withImage(s.image())
                .withCommand("java")
                .withArgs(args)
                .addToEnv(new EnvVarBuilder().withName("JOB_COMPLETION_INDEX").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.annotations['" + INDEX_ANNOTATION + "']").endFieldRef().endValueFrom().build())
                // SESSIONBENCH_REDIS_URI, SESSIONBENCH_POSTGRES_URI, SESSIONBENCH_MEMCACHED… from the user's Secret
                .addNewEnvFrom().withNewSecretRef().withName(s.secret()).endSecretRef().endEnvFrom()
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .addNewVolumeMount().withName("scenario").withMountPath(SCENARIO_DIR).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("results").withMountPath(RESULTS_DIR).endVolumeMount()
                .endContainer()
                .addNewVolume().withName("scenario").withNewConfigMap().withName(scenario.getMetadata().getName()).endConfigMap().endVolume()
                .addNewVolume().withName("results").withNewPersistentVolumeClaim().withClaimName(s.resultsClaim())
                .endPersistentVolumeClaim().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        return List.of(scenario, job);
    }

    private static final YAMLMapper YAML = (YAMLMapper) new YAMLMapper().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

    /** The objects as one multi-document YAML stream for {@code kubectl apply -f -}. */
    public static String yaml(List<HasMetadata> objects) {
        StringBuilder b = new StringBuilder();
        for (HasMetadata o : objects) {
            try {
                b.append("---\n").append(YAML.writeValueAsString(o));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot print " + o.getKind() + " " + o.getMetadata().getName(), e);
            }
        }
        return b.toString();
    }
}
