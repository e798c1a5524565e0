package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes objects under examples/ (besides examples/models, which LlmModelCrdTest applies) are accepted by a
 * real API server with the tested upstream CRDs, under strict field validation: a misspelt field fails here, as it
 * would for a reader running kubectl. {@link DocsCommandsTest} checks that the docs only tell readers to apply
 * files listed in {@link #APPLIED}.
 */
@WithKubernetes
class KubernetesExamplesTest {

    /** Every example file of Kubernetes objects that a test applies (examples/models/* by LlmModelCrdTest). */
    static final Set<String> APPLIED = Set.of(
            "examples/gateways.yaml", "examples/gateways-subdomain.yaml", "examples/redis.yaml",
            "compose-dev/models/demo-models.yaml");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"examples/gateways.yaml", "examples/gateways-subdomain.yaml"})
    void gatewayExamplesAreAccepted(String file, KubernetesClient client, TestCluster cluster) {
        var documents = RepoFiles.yamlDocuments(file);
        // The file targets envoy-gateway-system; the test applies it in a namespace of its own so it never meets
        // objects of other tests. The schema and CEL checks are the same in any namespace.
        assertThat(documents).allSatisfy(d -> assertThat(RepoFiles.at(d, "metadata.namespace")).isEqualTo("envoy-gateway-system"));
        var namespace = cluster.newNamespace("gateways");

        var applied = documents.stream().map(d -> apply(client, d, namespace)).toList();

        assertThat(applied).extracting(GenericKubernetesResource::getKind).contains("Gateway");
        var gateways = applied.stream().filter(o -> o.getKind().equals("Gateway"))
                .collect(Collectors.toMap(o -> o.getMetadata().getName(), o -> o));
        assertThat(gateways).containsOnlyKeys("nebari-gateway", "nebari-internal-gateway");
        assertThat(listenerNames(gateways.get("nebari-gateway"))).contains("llm-https");
        assertThat(listenerNames(gateways.get("nebari-internal-gateway"))).contains("llm-internal-https");
        for (var gateway : gateways.values()) {
            for (var listener : listeners(gateway)) {
                assertThat(RepoFiles.at(listener, "allowedRoutes.namespaces.from")).as("allowedRoutes of %s", listener.get("name")).isEqualTo("All");
            }
            var config = gateway.getMetadata().getAnnotations().get("aigateway.envoyproxy.io/gateway-config");
            assertThat(config).as("the GatewayConfig annotation").isNotBlank();
        }
    }

    /**
     * The model examples side by side, as a reader may apply them all to one namespace: no two of them claim the same
     * id or alias, except the two revisions of blue-green.yaml, which agree on what callers see and split their id
     * 90/10 (the webhook and the reconciler decide with the same {@link dev.nebari.llm.model.ModelIdSharing}).
     */
    @Test
    void theModelExamplesClaimNoIdTwiceExceptTheBlueGreenRevisions() throws java.io.IOException {
        var models = new java.util.ArrayList<dev.nebari.llm.model.LLMModel>();
        try (var files = java.nio.file.Files.list(RepoFiles.path("examples/models"))) {
            for (var file : files.sorted().toList()) {
                for (var document : RepoFiles.yamlDocuments("examples/models/" + file.getFileName())) {
                    if (!dev.nebari.llm.model.LLMModel.KIND.equals(document.get("kind"))) {
                        continue; // an external provider's example and its Secret
                    }
                    var model = Serialization.unmarshal(Serialization.asJson(document), dev.nebari.llm.model.LLMModel.class);
                    model.getMetadata().setNamespace("llm-models");
                    models.add(model);
                }
            }
        }
        for (var model : models) {
            for (var other : models) {
                if (model != other) {
                    assertThat(dev.nebari.llm.model.ModelIdSharing.conflict(model, other)).as("%s and %s",
                            model.getMetadata().getName(), other.getMetadata().getName()).isEmpty();
                }
            }
        }
        var revisions = models.stream().filter(m -> m.getSpec().traffic() != null).toList();
        assertThat(revisions).extracting(m -> m.getMetadata().getName()).containsExactly("qwen3-4b-blue", "qwen3-4b-green");
        assertThat(dev.nebari.llm.model.ModelIdSharing.revisionsOfOneId(revisions.get(0), revisions.get(1))).isTrue();
        assertThat(revisions).extracting(m -> m.getSpec().traffic().weight()).containsExactly(90, 10);
        assertThat(models).flatExtracting(m -> m.getSpec().model().aliases())
                .contains("chat-default", "chat-small", "summarize");
    }

    @Test
    void sharedModeListenersServeTheTwoPlainHosts(KubernetesClient client) {
        assertThat(hosts("examples/gateways.yaml")).containsEntry("llm-https", "llm.example.com")
                .containsEntry("llm-internal-https", "llm-internal.example.com");
    }

    @Test
    void subdomainModeListenersServeTheWildcards() {
        assertThat(hosts("examples/gateways-subdomain.yaml")).containsEntry("llm-https", "*.llm.example.com")
                .containsEntry("llm-internal-https", "*.llm-internal.example.com");
    }

    @Test
    void redisExampleIsAcceptedAndMatchesTheEnvoyGatewayValues(KubernetesClient client) {
        var applied = RepoFiles.yamlDocuments("examples/redis.yaml").stream()
                .map(d -> apply(client, d, null)).toList();

        var service = applied.stream().filter(o -> o.getKind().equals("Service")).findFirst().orElseThrow();
        var url = (String) RepoFiles.at(RepoFiles.yamlMap("examples/envoy-gateway-values.yaml"),
                "config.envoyGateway.rateLimit.backend.redis.url");
        var port = ((List<?>) service.get("spec", "ports")).stream().map(p -> ((Map<?, ?>) p).get("port")).findFirst().orElseThrow();
        assertThat(url).isEqualTo(service.getMetadata().getName() + "." + service.getMetadata().getNamespace()
                + ".svc.cluster.local:" + port);
    }

    @Test
    void composeDemoModelsAreAccepted(KubernetesClient client, TestCluster cluster) {
        var namespace = cluster.newNamespace("demo");
        var applied = RepoFiles.yamlDocuments("compose-dev/models/demo-models.yaml").stream()
                .map(d -> apply(client, d, namespace)).toList();
        assertThat(applied).isNotEmpty().allSatisfy(o -> assertThat(o.getKind()).isEqualTo("LLMModel"));
    }

    /** Server-side apply with strict field validation, as `kubectl apply --server-side` does by default. */
    static GenericKubernetesResource apply(KubernetesClient client, Map<String, Object> document, String namespace) {
        var object = Serialization.unmarshal(Serialization.asJson(document), GenericKubernetesResource.class);
        var target = namespace != null ? namespace : object.getMetadata().getNamespace();
        if (target != null && namespace != null) {
            object.getMetadata().setNamespace(namespace);
        }
        var resources = client.genericKubernetesResources(object.getApiVersion(), object.getKind());
        var applied = target == null
                ? resources.resource(object).fieldValidation(Validation.STRICT).fieldManager("docs-examples").forceConflicts().serverSideApply()
                : resources.inNamespace(target).resource(object).fieldValidation(Validation.STRICT).fieldManager("docs-examples").forceConflicts().serverSideApply();
        assertThat(applied.getMetadata().getUid()).as("%s %s accepted", object.getKind(), object.getMetadata().getName()).isNotBlank();
        return applied;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listeners(GenericKubernetesResource gateway) {
        return (List<Map<String, Object>>) gateway.get("spec", "listeners");
    }

    private static List<Object> listenerNames(GenericKubernetesResource gateway) {
        return listeners(gateway).stream().map(l -> l.get("name")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> hosts(String file) {
        return RepoFiles.yamlDocuments(file).stream().filter(d -> "Gateway".equals(d.get("kind")))
                .flatMap(d -> ((List<Map<String, Object>>) RepoFiles.at(d, "spec.listeners")).stream())
                .filter(l -> "HTTPS".equals(l.get("protocol")))
                .collect(Collectors.toMap(l -> l.get("name"), l -> l.get("hostname")));
    }
}
