package io.sessionbench.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifests of 'k8s job', checked object by object and field by field, and read back from the printed YAML. */
class K8sJobTest {
    private static final Instant START = Instant.parse("2026-11-28T21:00:00Z");

    private static List<HasMetadata> objects() throws Exception {
        String text = Files.readString(Path.of("scenarios", "auth-read-heavy.yaml"));
        return K8sJob.objects(new K8sJob.Spec("sessionbench-auth", "bench", "auth-read-heavy.yaml", text, 3, START,
                "registry.example/sessionbench:0.1.0", "sessionbench-targets", "sessionbench-results", "2", "2Gi",
                List.of("--rate", "30000.0")));
    }

    @Test
    void aConfigMapCarriesTheScenarioAsItIs() throws Exception {
        ConfigMap cm = (ConfigMap) objects().get(0);
        assertThat(cm.getMetadata().getName()).isEqualTo("sessionbench-auth-scenario");
        assertThat(cm.getMetadata().getNamespace()).isEqualTo("bench");
        assertThat(cm.getData()).containsOnlyKeys("auth-read-heavy.yaml");
        assertThat(cm.getData().get("auth-read-heavy.yaml")).isEqualTo(Files.readString(Path.of("scenarios", "auth-read-heavy.yaml")));
    }

    @Test
    void anIndexedJobRunsOneGeneratorPerIndexFromOneStartInstant() throws Exception {
        Job job = (Job) objects().get(1);
        assertThat(job.getMetadata().getName()).isEqualTo("sessionbench-auth");
        assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(job.getSpec().getCompletions()).isEqualTo(3);
        assertThat(job.getSpec().getParallelism()).isEqualTo(3);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example/sessionbench:0.1.0");
        assertThat(c.getCommand()).containsExactly("java");
        assertThat(c.getArgs()).containsSequence("-jar", K8sJob.JAR, "load", "/scenario/auth-read-heavy.yaml")
                .containsSequence("--generator", "$(JOB_COMPLETION_INDEX)/3")
                .containsSequence("--start-at", "2026-11-28T21:00:00Z")
                .containsSequence("--sessions-dir", "/results/sessionbench-auth-sessions")
                .containsSequence("--results", "/results")
                .containsSequence("--rate", "30000.0");
        // the index comes from the pod's completion-index annotation, declared so $(…) expands in args
        assertThat(c.getEnv()).singleElement().satisfies(env -> {
            assertThat(env.getName()).isEqualTo("JOB_COMPLETION_INDEX");
            assertThat(env.getValue()).isNull();
            assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
        });
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("2Gi"));
        assertThat(c.getResources().getLimits()).isEqualTo(c.getResources().getRequests());
        assertThat(c.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath())
                .containsExactly("scenario:/scenario", "results:/results");
        assertThat(pod.getVolumes().get(0).getConfigMap().getName()).isEqualTo("sessionbench-auth-scenario");
        assertThat(pod.getVolumes().get(1).getPersistentVolumeClaim().getClaimName()).isEqualTo("sessionbench-results");
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().get(0)
                .getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    }

    @Test
    void credentialsComeFromTheNamedSecretAndAreNeverInlined() throws Exception {
        Container c = ((Job) objects().get(1)).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnvFrom()).singleElement().satisfies(f -> assertThat(f.getSecretRef().getName()).isEqualTo("sessionbench-targets"));
        String yaml = K8sJob.yaml(objects());
        assertThat(yaml).doesNotContain("SESSIONBENCH_REDIS_URI").doesNotContain("redis://").doesNotContain("password");
    }

    @Test
    void thePrintedYamlReadsBackAsTheSameObjects() throws Exception {
        String yaml = K8sJob.yaml(objects());
        List<JsonNode> docs;
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
            docs = it.readAll();
        }
        assertThat(docs).extracting(d -> d.path("apiVersion").asText() + " " + d.path("kind").asText())
                .containsExactly("v1 ConfigMap", "batch/v1 Job");
        assertThat(docs.get(1).at("/spec/template/spec/containers/0/args").toString()).contains("$(JOB_COMPLETION_INDEX)/3");
        assertThat(new YAMLMapper().treeToValue(docs.get(1), Job.class)).isEqualTo(objects().get(1));
        assertThat(new YAMLMapper().treeToValue(docs.get(0), ConfigMap.class)).isEqualTo(objects().get(0));
    }
}
