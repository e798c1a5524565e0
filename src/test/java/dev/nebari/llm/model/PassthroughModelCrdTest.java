package dev.nebari.llm.model;

import static dev.nebari.llm.model.LlmModelCrdTest.get;
import static dev.nebari.llm.model.LlmModelCrdTest.remove;
import static dev.nebari.llm.model.LlmModelCrdTest.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PassthroughModel CRD as generated from the Java types, on a real API server: the example is accepted under
 * strict validation, broken providers are refused with messages that name the field, the server's defaults are the
 * Java defaults, and kubectl shows the provider's columns under its short name.
 */
@WithKubernetes(upstreamCrds = false)
class PassthroughModelCrdTest {

    static final Path EXAMPLE = Path.of("examples/models/passthrough.yaml");
    static String namespace;

    @BeforeAll
    static void createNamespace(TestCluster cluster) {
        namespace = cluster.newNamespace("ptm-crd");
    }

    @Test
    void theExampleAndItsSecretAreAcceptedUnderStrictValidation(KubernetesClient client) throws Exception {
        var documents = Stream.of(Files.readString(EXAMPLE).split("(?m)^---$")).filter(d -> d.contains("kind:")).toList();
        var applied = documents.stream()
                .map(document -> Serialization.unmarshal(document, GenericKubernetesResource.class))
                .map(object -> client.genericKubernetesResources(object.getApiVersion(), object.getKind()).inNamespace(namespace)
                        .resource(object).fieldValidation(Validation.STRICT).create())
                .toList();

        assertThat(applied).extracting(GenericKubernetesResource::getKind).containsExactly("Secret", "PassthroughModel");
        var typed = client.resources(PassthroughModel.class).inNamespace(namespace).withName("openrouter").get();
        assertThat(typed.getSpec().provider().credential().secretName()).isEqualTo(applied.getFirst().getMetadata().getName());
        assertThat(typed.getSpec().models().ids()).isNotEmpty();
    }

    record Invalid(String description, Consumer<Map<String, Object>> breakIt, String field, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Invalid> invalidProviders() {
        return Stream.of(
                new Invalid("hostname with a scheme", m -> set(m, "spec.provider.hostname", "https://openrouter.ai"),
                        "spec.provider.hostname", "spec.provider.hostname must be a bare DNS name"),
                new Invalid("missing hostname", m -> remove(m, "spec.provider.hostname"), "spec.provider.hostname", "Required value"),
                new Invalid("port 0", m -> set(m, "spec.provider.port", 0), "spec.provider.port", "should be greater than or equal to 1"),
                new Invalid("missing credential", m -> remove(m, "spec.provider.credential"), "spec.provider.credential", "Required value"),
                new Invalid("credential key other than apiKey", m -> set(m, "spec.provider.credential.key", "token"),
                        "spec.provider.credential.key", "spec.provider.credential.key must be apiKey"),
                new Invalid("schema other than OpenAI", m -> set(m, "spec.provider.schema", Map.of("name", "Cohere")),
                        "spec.provider.schema.name", "should match"),
                new Invalid("prefix with a leading slash", m -> set(m, "spec.provider.schema", Map.of("prefix", "/v1")),
                        "spec.provider.schema.prefix", "spec.provider.schema.prefix must be a path without leading or trailing '/'"),
                new Invalid("neither ids nor catch-all", m -> set(m, "spec.models", Map.of()),
                        "spec.models", "spec.models must route something"),
                new Invalid("model id with a space", m -> set(m, "spec.models.ids", List.of("my model")),
                        "spec.models.ids", "spec.models.ids must be model ids"),
                new Invalid("CA bundle key other than ca.crt", m -> set(m, "spec.provider.caBundle", Map.of("configMapName", "ca", "key", "bundle.pem")),
                        "spec.provider.caBundle.key", "spec.provider.caBundle.key must be ca.crt"),
                new Invalid("nobody allowed", m -> set(m, "spec.access", Map.of("public", false)),
                        "spec.access", "set public: true or list at least one OIDC group"),
                new Invalid("name too long", m -> set(m, "metadata.name", "p".repeat(60)),
                        "", "metadata.name must be a DNS label of at most 59 characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidProviders")
    void anInvalidProviderIsRejectedNamingTheField(Invalid invalid, KubernetesClient client) {
        var provider = validProvider("invalid");
        invalid.breakIt().accept(provider);

        assertThatThrownBy(() -> create(client, provider))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(causes(e)).as("causes of %s", e.getMessage()).anySatisfy(cause -> {
                        if (!invalid.field().isEmpty()) {
                            assertThat(cause.getField()).isEqualTo(invalid.field());
                        }
                        assertThat(cause.getMessage()).contains(invalid.message());
                    });
                });
    }

    @Test
    void apiServerDefaultsAgreeWithJavaDefaults(KubernetesClient client) {
        var provider = validProvider("defaults");
        set(provider, "spec.provider.schema", Map.of());
        set(provider, "spec.provider.credential", Map.of("secretName", "credential"));
        set(provider, "spec.provider.caBundle", Map.of("configMapName", "ca"));
        set(provider, "spec.endpoints", Map.of("external", Map.of(), "internal", Map.of()));
        create(client, provider);

        var stored = client.genericKubernetesResources(LLMModel.API_VERSION, PassthroughModel.KIND).inNamespace(namespace)
                .withName("defaults").get();
        var serverSpec = Serialization.unmarshal(Serialization.asJson(stored), PassthroughModel.class).getSpec();
        var javaSpec = Serialization.unmarshal(Serialization.asJson(provider), PassthroughModel.class).getSpec();

        assertThat(get(stored.getAdditionalProperties(), "spec.provider.port")).isEqualTo(443);
        assertThat(get(stored.getAdditionalProperties(), "spec.models.catchAll")).isEqualTo(false);
        assertThat(serverSpec).isEqualTo(javaSpec);
    }

    @Test
    void kubectlShowsReadinessPhaseProviderModelsEndpointAndAgeUnderTheShortName(TestCluster cluster, KubernetesClient client)
            throws Exception {
        create(client, validProvider("columns"));
        var kubectl = cluster.controlPlane().binaries().kubectl();
        var process = new ProcessBuilder(kubectl.toString(), "--kubeconfig", cluster.kubeconfig().toString(),
                "get", "ptm", "-n", namespace).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();

        assertThat(output.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "READY", "PHASE", "PROVIDER", "MODELS", "ENDPOINT", "AGE");
        assertThat(output).contains("openrouter.ai");
    }

    private static void create(KubernetesClient client, Map<String, Object> provider) {
        var resource = Serialization.unmarshal(Serialization.asJson(provider), GenericKubernetesResource.class);
        client.genericKubernetesResources(LLMModel.API_VERSION, PassthroughModel.KIND).inNamespace(namespace)
                .resource(resource).fieldValidation(Validation.STRICT).create();
    }

    private static List<StatusCause> causes(KubernetesClientException e) {
        var status = e.getStatus();
        return status == null || status.getDetails() == null ? List.of() : status.getDetails().getCauses();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> validProvider(String name) {
        Map<String, Object> provider = Serialization.unmarshal(PassthroughFixtures.REFERENCE_PASSTHROUGH, Map.class);
        var metadata = (Map<String, Object>) provider.get("metadata");
        metadata.remove("uid");
        metadata.remove("namespace");
        metadata.put("name", name);
        return provider;
    }
}
