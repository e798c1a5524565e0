package dev.nebari.llm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD that the chart ships, loaded into a real API server: valid models are accepted and invalid ones are
 * rejected at once, with the offending field named and a message that says how to fix it.
 */
@WithKubernetes(upstreamCrds = false)
class LlmModelCrdTest {

    static final Path EXAMPLES = Path.of("examples/models");
    static final String VALID = """
            apiVersion: llm.nebari.dev/v1alpha1
            kind: LLMModel
            metadata:
              name: valid
            spec:
              model:
                name: Qwen/Qwen3-0.6B
                storage:
                  size: 20Gi
              resources:
                gpu:
                  count: 1
              access:
                groups: [llm-users]
            """;

    static String namespace;

    @BeforeAll
    static void createNamespace(TestCluster cluster) {
        namespace = cluster.newNamespace("crd");
    }

    static Stream<Path> examples() throws IOException {
        var list = ModelFixtures.llmModelExamples();
        assertThat(list).as("examples in %s", EXAMPLES).isNotEmpty();
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleModelIsAcceptedUnderStrictValidation(Path example, KubernetesClient client) throws IOException {
        // A file may hold several models (blue-green.yaml: two revisions of one id).
        for (var document : Files.readString(example).split("(?m)^---\\s*$")) {
            var model = Serialization.unmarshal(document, GenericKubernetesResource.class);

            var created = client.genericKubernetesResources(LLMModel.API_VERSION, LLMModel.KIND).inNamespace(namespace)
                    .resource(model).fieldValidation(Validation.STRICT).create();

            assertThat(created.getMetadata().getUid()).isNotBlank();
            var typed = client.resources(LLMModel.class).inNamespace(namespace).withName(model.getMetadata().getName()).get();
            assertThat(typed.getSpec().model().name()).isNotBlank();
        }
    }

    /** A way to break the valid model, and what the API server must say about it. */
    record Invalid(String description, Consumer<Map<String, Object>> breakIt, String field, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Invalid> invalidModels() {
        return Stream.of(
                new Invalid("missing spec.model.name", m -> remove(m, "spec.model.name"),
                        "spec.model.name", "Required value"),
                new Invalid("model name with spaces", m -> set(m, "spec.model.name", "my model"),
                        "spec.model.name", "should match"),
                new Invalid("missing spec", m -> remove(m, "spec"),
                        "spec", "Required value"),
                new Invalid("source oci without image", m -> set(m, "spec.model.source", "oci"),
                        "spec.model.image", "spec.model.image is required when spec.model.source is oci"),
                new Invalid("image with huggingface source", m -> set(m, "spec.model.image", "registry.example.com/m:1"),
                        "spec.model.image", "only used with spec.model.source: oci"),
                new Invalid("unknown source", m -> set(m, "spec.model.source", "s3"),
                        "spec.model.source", "supported values: \"huggingface\", \"oci\""),
                new Invalid("pvc storage without size", m -> remove(m, "spec.model.storage.size"),
                        "spec.model.storage", "spec.model.storage.size is required for pvc storage"),
                new Invalid("storage size that is not a quantity", m -> set(m, "spec.model.storage.size", "lots"),
                        "spec.model.storage.size", "must be a Kubernetes quantity such as 20Gi"),
                new Invalid("negative GPU count", m -> set(m, "spec.resources.gpu.count", -1),
                        "spec.resources.gpu.count", "should be greater than or equal to 0"),
                new Invalid("GPU type other than nvidia", m -> set(m, "spec.resources.gpu.type", "amd"),
                        "spec.resources.gpu.type", "supported values: \"nvidia\""),
                new Invalid("neither access.public nor any group", m -> set(m, "spec.access", Map.of("public", false)),
                        "spec.access", "set public: true or list at least one OIDC group"),
                new Invalid("empty group list", m -> set(m, "spec.access.groups", List.of()),
                        "spec.access", "set public: true or list at least one OIDC group"),
                new Invalid("missing spec.access", m -> remove(m, "spec.access"),
                        "spec.access", "Required value"),
                new Invalid("subdomain that is not a DNS label", m -> set(m, "spec.endpoints", Map.of("external", Map.of("subdomain", "Mistral_7B"))),
                        "spec.endpoints.external.subdomain", "must be a DNS label"),
                new Invalid("subdomain longer than 63 characters", m -> set(m, "spec.endpoints", Map.of("external", Map.of("subdomain", "a".repeat(64)))),
                        "spec.endpoints.external.subdomain", "may not be more than 63"),
                new Invalid("malformed requestTimeout", m -> set(m, "spec.endpoints", Map.of("requestTimeout", "10 minutes")),
                        "spec.endpoints.requestTimeout", "must be a duration such as 600s"),
                new Invalid("negative replicas", m -> set(m, "spec.serving", Map.of("replicas", -1)),
                        "spec.serving.replicas", "should be greater than or equal to 0"),
                new Invalid("autoscaling minReplicas above maxReplicas", m -> set(m, "spec.serving",
                        Map.of("autoscaling", Map.of("minReplicas", 3, "maxReplicas", 2))),
                        "spec.serving.autoscaling", "minReplicas must not be greater than spec.serving.autoscaling.maxReplicas"),
                new Invalid("autoscaling minReplicas 0", m -> set(m, "spec.serving",
                        Map.of("autoscaling", Map.of("minReplicas", 0, "maxReplicas", 2))),
                        "spec.serving.autoscaling.minReplicas", "should be greater than or equal to 1"),
                new Invalid("autoscaling without maxReplicas", m -> set(m, "spec.serving",
                        Map.of("autoscaling", Map.of("minReplicas", 1))),
                        "spec.serving.autoscaling.maxReplicas", "Required value"),
                new Invalid("autoscaling target that is not a quantity", m -> set(m, "spec.serving",
                        Map.of("autoscaling", Map.of("minReplicas", 1, "maxReplicas", 2, "targetAverageValue", "80%"))),
                        "spec.serving.autoscaling.targetAverageValue", "must be a Kubernetes quantity such as 5 or 800m"),
                new Invalid("zero tensor parallelism", m -> set(m, "spec.serving", Map.of("tensorParallelism", 0)),
                        "spec.serving.tensorParallelism", "should be greater than or equal to 1"),
                new Invalid("unknown update strategy", m -> set(m, "spec.serving", Map.of("updateStrategy", "BlueGreen")),
                        "spec.serving.updateStrategy", "supported values: \"Recreate\", \"RollingUpdate\""),
                new Invalid("zero request limit", m -> set(m, "spec.limits", Map.of("requestsPerMinute", 0)),
                        "spec.limits.requestsPerMinute", "should be greater than or equal to 1"),
                new Invalid("model name longer than 59 characters", m -> set(m, "metadata.name", "m".repeat(60)),
                        "<nil>", "metadata.name must be a DNS label of at most 59 characters"),
                new Invalid("authSecretName that is not a Secret name", m -> set(m, "spec.model.authSecretName", "HF Token"),
                        "spec.model.authSecretName", "should match"),
                new Invalid("hubEndpoint that is not an http(s) URL", m -> set(m, "spec.model.hubEndpoint", "ftp://hf-mirror.example.com"),
                        "spec.model.hubEndpoint", "should match"),
                new Invalid("hubEndpoint with a query", m -> set(m, "spec.model.hubEndpoint", "https://hf-mirror.example.com/?token=x"),
                        "spec.model.hubEndpoint", "should match"),
                new Invalid("an alias that repeats the model id", m -> set(m, "spec.model.aliases",
                        List.of("chat-default", get(m, "spec.model.name"))),
                        "spec.model.aliases", "spec.model.aliases must not repeat spec.model.name"),
                new Invalid("an alias with spaces", m -> set(m, "spec.model.aliases", List.of("chat default")),
                        "spec.model.aliases", "each alias must look like a model id"),
                new Invalid("an empty alias", m -> set(m, "spec.model.aliases", List.of("")),
                        "spec.model.aliases[0]", "should be at least 1 chars long"),
                new Invalid("nine aliases", m -> set(m, "spec.model.aliases",
                        java.util.stream.IntStream.range(0, 9).mapToObj(i -> "alias-" + i).toList()),
                        "spec.model.aliases", "must have at most 8 items"),
                new Invalid("a traffic weight above 100", m -> set(m, "spec.traffic", Map.of("weight", 101)),
                        "spec.traffic.weight", "should be less than or equal to 100"),
                new Invalid("a negative traffic weight", m -> set(m, "spec.traffic", Map.of("weight", -1)),
                        "spec.traffic.weight", "should be greater than or equal to 0"),
                new Invalid("traffic without a weight", m -> set(m, "spec.traffic", Map.of()),
                        "spec.traffic.weight", "Required value"),
                new Invalid("two adapters with one name", m -> set(m, "spec.adapters", List.of(
                        Map.of("name", "acme/sql-lora"), Map.of("name", "acme/sql-lora", "revision", "v2"))),
                        "spec.adapters", "spec.adapters[].name must be unique"),
                new Invalid("an adapter named like the base model", m -> set(m, "spec.adapters", List.of(Map.of("name", "Qwen/Qwen3-0.6B"))),
                        "spec.adapters", "spec.adapters[].name must differ from spec.model.name"),
                new Invalid("an adapter name that is no model id", m -> set(m, "spec.adapters", List.of(Map.of("name", "sql lora"))),
                        "spec.adapters[0].name", "should match"),
                new Invalid("an adapter without a name", m -> set(m, "spec.adapters", List.of(Map.of("repo", "acme/sql-lora"))),
                        "spec.adapters[0].name", "Required value"),
                new Invalid("an oci adapter without image", m -> set(m, "spec.adapters", List.of(Map.of("name", "sql", "source", "oci"))),
                        "spec.adapters[0].image", "spec.adapters[].image is required when the adapter's source is oci"),
                new Invalid("an adapter image with huggingface source", m -> set(m, "spec.adapters",
                        List.of(Map.of("name", "sql", "image", "registry.example.com/sql-lora:1"))),
                        "spec.adapters[0].image", "only used with source: oci"),
                new Invalid("an oci adapter with a repo", m -> set(m, "spec.adapters", List.of(Map.of("name", "sql", "source", "oci",
                        "image", "registry.example.com/sql-lora:1", "repo", "acme/sql-lora"))),
                        "spec.adapters[0].repo", "only used with source: huggingface"),
                new Invalid("more than 16 adapters", m -> set(m, "spec.adapters", java.util.stream.IntStream.range(0, 17)
                        .mapToObj(i -> Map.of("name", "acme/lora-" + i)).toList()),
                        "spec.adapters", "must have at most 16 items"),
                new Invalid("an adapter named like an alias", m -> {
                    set(m, "spec.model.aliases", List.of("chat-default"));
                    set(m, "spec.adapters", List.of(Map.of("name", "chat-default")));
                }, "spec.adapters", "spec.adapters[].name must differ from each of spec.model.aliases"),
                new Invalid("hubEndpoint with oci source", m -> {
                    set(m, "spec.model.source", "oci");
                    set(m, "spec.model.image", "registry.example.com/m:1");
                    set(m, "spec.model.hubEndpoint", "https://hf-mirror.example.com");
                }, "spec.model.hubEndpoint", "only used with spec.model.source: huggingface"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidModels")
    void invalidModelIsRejectedNamingTheFieldAndTheFix(Invalid invalid, KubernetesClient client) {
        var model = validModel("invalid");
        invalid.breakIt().accept(model);

        assertThatThrownBy(() -> create(client, model))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(causes(e))
                            .as("causes of %s", e.getMessage())
                            .anySatisfy(cause -> {
                                assertThat(cause.getField()).isEqualTo(invalid.field());
                                assertThat(cause.getMessage()).contains(invalid.message());
                            });
                });
    }

    @Test
    void storageSizeCannotShrinkOnUpdate(KubernetesClient client) {
        var model = validModel("shrink");
        create(client, model);
        var stored = resources(client).withName("shrink").get();
        set(stored.getAdditionalProperties(), "spec.model.storage.size", "10Gi");

        assertThatThrownBy(() -> resources(client).resource(stored).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(causes(e)).anySatisfy(cause -> {
                    assertThat(cause.getField()).isEqualTo("spec.model.storage.size");
                    assertThat(cause.getMessage()).contains("cannot shrink");
                }));
    }

    @Test
    void storageSizeCanGrowOnUpdate(KubernetesClient client) {
        create(client, validModel("grow"));
        var stored = resources(client).withName("grow").get();
        set(stored.getAdditionalProperties(), "spec.model.storage.size", "40Gi");

        var updated = resources(client).resource(stored).update();

        assertThat(get(updated.getAdditionalProperties(), "spec.model.storage.size")).isEqualTo("40Gi");
    }

    @Test
    void aHubMirrorWithAPathIsAccepted(KubernetesClient client) {
        var model = validModel("mirror");
        var artifactory = "https://artifactory.example.com/artifactory/api/huggingfaceml/hf-remote";
        set(model, "spec.model.hubEndpoint", artifactory);

        create(client, model);

        var typed = client.resources(LLMModel.class).inNamespace(namespace).withName("mirror").get();
        assertThat(typed.getSpec().model().hubEndpoint()).isEqualTo(artifactory);
    }

    @Test
    void unknownFieldIsRejectedUnderStrictFieldValidation(KubernetesClient client) {
        var model = validModel("typo");
        set(model, "spec.model.nmae", "typo");

        assertThatThrownBy(() -> create(client, model))
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains("unknown field \"spec.model.nmae\""));
    }

    @Test
    void apiServerDefaultsAgreeWithJavaDefaults(KubernetesClient client) {
        // Every optional section present but empty, so the API server fills in every field default.
        var model = validModel("defaults");
        set(model, "spec.model.storage", Map.of("size", "20Gi"));
        set(model, "spec.resources", Map.of("gpu", Map.of()));
        set(model, "spec.serving", Map.of("monitoring", Map.of()));
        set(model, "spec.endpoints", Map.of("external", Map.of(), "internal", Map.of()));
        set(model, "spec.advanced", Map.of("vllm", Map.of(), "inferencePool", Map.of()));
        create(client, model);

        var defaultedByServer = resources(client).withName("defaults").get();
        var serverSpec = Serialization.unmarshal(Serialization.asJson(defaultedByServer), LLMModel.class).getSpec();
        var javaSpec = Serialization.unmarshal(Serialization.asJson(model), LLMModel.class).getSpec();

        assertThat(get(defaultedByServer.getAdditionalProperties(), "spec.serving.replicas")).isEqualTo(1);
        assertThat(serverSpec).isEqualTo(javaSpec);
    }

    @Test
    void theScaleSubresourceChangesSpecServingReplicasAndReportsTheStatusReplicasAndSelector(KubernetesClient client) {
        create(client, validModel("scaled"));
        var model = client.resources(LLMModel.class).inNamespace(namespace).withName("scaled");
        var status = model.get();
        status.setStatus(new LLMModelStatus(null, null, null, ReplicasStatus.of(1, 1, 2, "llm.nebari.dev/model=scaled", null),
                null, null, null));
        client.resource(status).updateStatus();

        model.scale(3);

        assertThat(model.get().getSpec().serving().replicas()).isEqualTo(3);
        var scale = model.scale();
        assertThat(scale.getSpec().getReplicas()).isEqualTo(3);
        assertThat(scale.getStatus().getReplicas()).isEqualTo(2);
        assertThat(scale.getStatus().getSelector()).isEqualTo("llm.nebari.dev/model=scaled");
    }

    @Test
    void printerColumnsShowReadinessPhaseModelReplicasDownloadEndpointAndAge(TestCluster cluster) throws Exception {
        var kubectl = cluster.controlPlane().binaries().kubectl();
        var process = new ProcessBuilder(kubectl.toString(), "--kubeconfig", cluster.kubeconfig().toString(),
                "get", "llm", "-n", namespace).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();

        assertThat(output.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "READY", "PHASE", "MODEL", "REPLICAS", "DOWNLOAD", "ENDPOINT", "AGE");
    }

    private static io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> resources(KubernetesClient client) {
        return (io.fabric8.kubernetes.client.dsl.MixedOperation) client
                .genericKubernetesResources(LLMModel.API_VERSION, LLMModel.KIND).inNamespace(namespace);
    }

    private static void create(KubernetesClient client, Map<String, Object> model) {
        var resource = Serialization.unmarshal(Serialization.asJson(model), GenericKubernetesResource.class);
        client.genericKubernetesResources(LLMModel.API_VERSION, LLMModel.KIND).inNamespace(namespace)
                .resource(resource).fieldValidation(Validation.STRICT).create();
    }

    private static List<StatusCause> causes(KubernetesClientException e) {
        var status = e.getStatus();
        return status == null || status.getDetails() == null ? List.of() : status.getDetails().getCauses();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> validModel(String name) {
        Map<String, Object> model = deepCopy(Serialization.unmarshal(VALID, Map.class));
        set(model, "metadata.name", name);
        return model;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        var copy = new LinkedHashMap<String, Object>();
        map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m)
                : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parent(Map<String, Object> root, String path) {
        var parts = path.split("\\.");
        var current = root;
        for (int i = 0; i < parts.length - 1; i++) {
            current = (Map<String, Object>) current.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        return current;
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    static void set(Map<String, Object> root, String path, Object value) {
        parent(root, path).put(leaf(path), value);
    }

    static void remove(Map<String, Object> root, String path) {
        parent(root, path).remove(leaf(path));
    }

    static Object get(Map<String, Object> root, String path) {
        return parent(root, path).get(leaf(path));
    }
}
