package dev.nebari.llm.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every object rendered for the reference model is accepted by the real API server with the tested upstream
 * CRDs installed (OpenAPI schemas and their CEL rules), in both routing modes, with and without limits, under
 * strict field validation (an unknown or misspelt field fails instead of being dropped).
 */
@WithKubernetes
class UpstreamSchemasAcceptRenderedObjectsTest {

    @BeforeAll
    static void namespaces(TestCluster cluster) {
        cluster.ensureNamespace(ModelFixtures.referenceModel().getMetadata().getNamespace());
        cluster.ensureNamespace(ModelFixtures.settings().apiKeysNamespace());
    }

    @ParameterizedTest(name = "{0} routing, limits: {1}")
    @CsvSource({"SHARED, false", "SHARED, true", "SUBDOMAIN, false", "SUBDOMAIN, true"})
    void everyRenderedObjectIsAccepted(RoutingMode mode, boolean limits, KubernetesClient client) {
        var manifests = ModelManifestRenderer.render(GoldenManifestsTest.referenceModel(limits),
                new RenderContext(ModelFixtures.settings(mode), GoldenManifestsTest.ACCESS));
        assertThat(manifests.withheld()).isEmpty();

        for (var object : manifests.all()) {
            var accepted = client.resource(object).dryRun().fieldValidation(Validation.STRICT)
                    .fieldManager("schema-test").forceConflicts().serverSideApply();
            assertThat(accepted.getMetadata().getName()).as("%s %s", object.getKind(), object.getMetadata().getName())
                    .isEqualTo(object.getMetadata().getName());
        }
        assertThat(manifests.all()).extracting(o -> o.getKind())
                .contains("AIGatewayRoute", "SecurityPolicy", "InferencePool", "ReferenceGrant", "PodMonitor");
        if (limits) {
            assertThat(manifests.all()).extracting(o -> o.getKind()).contains("BackendTrafficPolicy");
        }
    }

    /** A revision with an alias in a weighted group: AI Gateway's CEL allows weighted AIServiceBackends in one rule. */
    @org.junit.jupiter.api.Test
    void aWeightedRevisionWithAnAliasIsAccepted(KubernetesClient client) {
        var manifests = GoldenManifestsTest.weightedRevisionWithAlias();

        for (var object : manifests.all()) {
            var accepted = client.resource(object).dryRun().fieldValidation(Validation.STRICT)
                    .fieldManager("schema-test").forceConflicts().serverSideApply();
            assertThat(accepted.getMetadata().getName()).as("%s %s", object.getKind(), object.getMetadata().getName())
                    .isEqualTo(object.getMetadata().getName());
        }
        assertThat(manifests.all()).extracting(o -> o.getKind()).contains("AIGatewayRoute", "AIServiceBackend", "Backend");
    }

    /**
     * Why a split goes through weighted AIServiceBackends: the same rule with the two revisions' InferencePools is
     * refused by AI Gateway's CRD (docs/aliases-and-revisions.md).
     */
    @org.junit.jupiter.api.Test
    @SuppressWarnings("unchecked")
    void aRuleWithTwoWeightedInferencePoolsIsRefusedByAiGateway(KubernetesClient client) {
        var route = ModelFixtures.SERIALIZATION.clone((io.fabric8.kubernetes.api.model.GenericKubernetesResource)
                GoldenManifestsTest.weightedRevisionWithAlias().route(dev.nebari.llm.gateway.EndpointSide.EXTERNAL).orElseThrow().object());
        var rule = (java.util.Map<String, Object>) ((java.util.List<Object>) dev.nebari.llm.platform.GenericResources.spec(route)
                .get("rules")).getFirst();
        rule.put("backendRefs", java.util.List.of(
                java.util.Map.of("group", "inference.networking.k8s.io", "kind", "InferencePool", "name", "qwen3", "weight", 80),
                java.util.Map.of("group", "inference.networking.k8s.io", "kind", "InferencePool", "name", "qwen3-green", "weight", 20)));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.resource(route).dryRun()
                        .fieldManager("schema-test").forceConflicts().serverSideApply())
                .hasMessageContaining("only one InferencePool backend is allowed per rule");
    }

    /** The routes of a model with LoRA adapters match several model ids; the Deployment mounts a subPath per OCI adapter. */
    @org.junit.jupiter.api.Test
    void theObjectsOfAModelWithAdaptersAreAccepted(KubernetesClient client) {
        var manifests = ModelManifestRenderer.render(GoldenManifestsTest.withAdapters(),
                new RenderContext(ModelFixtures.settings(RoutingMode.SHARED), GoldenManifestsTest.ACCESS));
        for (var object : manifests.all()) {
            var accepted = client.resource(object).dryRun().fieldValidation(Validation.STRICT)
                    .fieldManager("schema-test").forceConflicts().serverSideApply();
            assertThat(accepted.getMetadata().getName()).as("%s %s", object.getKind(), object.getMetadata().getName())
                    .isEqualTo(object.getMetadata().getName());
        }
    }

    @org.junit.jupiter.api.Test
    void theKeyCheckRouteIsAccepted(KubernetesClient client) {
        for (var object : dev.nebari.llm.gateway.KeyCheckRouteRenderer.render(ModelFixtures.settings(RoutingMode.SHARED),
                java.util.List.of("keys.team-a.qwen3.0", "keys.team-b.llama.0"))) {
            var accepted = client.resource(object).dryRun().fieldValidation(Validation.STRICT)
                    .fieldManager("schema-test").forceConflicts().serverSideApply();
            assertThat(accepted.getKind()).isEqualTo(object.getKind());
        }
    }
}
