package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.PassthroughFixtures;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.model.PassthroughModelStatus;
import dev.nebari.llm.testing.ProviderCrds;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against a real API server for external providers (PassthroughModel): it applies the provider's
 * objects, routes and policies with owner references, reports status, costs no write at steady state, leaves an id
 * an LLMModel serves to the LLMModel, and removes everything (the keys-namespace grant too) when the provider goes.
 */
@WithKubernetes
class PassthroughReconcilerTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static RunningReconciler reconciler;
    static KubernetesClient client;
    static String namespace;

    @BeforeAll
    static void startReconciler(TestCluster cluster) {
        ProviderCrds.install(cluster.client());
        reconciler = new RunningReconciler(cluster, Duration.ofSeconds(30));
        client = reconciler.client;
        namespace = cluster.newNamespace("passthrough");
    }

    @AfterAll
    static void stopReconciler() {
        reconciler.close();
    }

    static PassthroughModel provider(String name, String models) {
        var provider = PassthroughFixtures.withModels(models);
        provider.getMetadata().setName(name);
        provider.getMetadata().setNamespace(namespace);
        provider.getMetadata().setUid(null);
        return provider;
    }

    static List<GenericKubernetesResource> children(String owner, String apiVersion, String kind) {
        return client.genericKubernetesResources(apiVersion, kind).inAnyNamespace()
                .withLabel(ModelObjects.MODEL, owner).list().getItems();
    }

    static PassthroughModelStatus eventually(String name, Consumer<PassthroughModelStatus> requirements) {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            var stored = client.resources(PassthroughModel.class).inNamespace(namespace).withName(name).get();
            assertThat(stored.getStatus()).isNotNull();
            requirements.accept(stored.getStatus());
        });
        return client.resources(PassthroughModel.class).inNamespace(namespace).withName(name).get().getStatus();
    }

    static Condition condition(PassthroughModelStatus status, String type) {
        return status.conditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void appliesTheProviderObjectsRoutesAndPoliciesOwnedByTheProvider() {
        client.resource(provider("router", "{ids: [vendor/router-model]}")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(children("router", "gateway.envoyproxy.io/v1alpha1", "Backend")).singleElement()
                    .satisfies(b -> assertThat(b.getMetadata().getName()).isEqualTo("router-provider"));
            assertThat(children("router", "gateway.networking.k8s.io/v1", "BackendTLSPolicy")).hasSize(1);
            assertThat(children("router", "aigateway.envoyproxy.io/v1beta1", "AIServiceBackend")).hasSize(1);
            assertThat(children("router", "aigateway.envoyproxy.io/v1beta1", "BackendSecurityPolicy")).hasSize(1);
            assertThat(children("router", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute"))
                    .extracting(r -> r.getMetadata().getName()).containsExactlyInAnyOrder("router-external", "router-internal");
            assertThat(children("router", "gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")).hasSize(2);
            assertThat(children("router", "gateway.networking.k8s.io/v1beta1", "ReferenceGrant")).hasSize(1);
        });
        assertThat(children("router", "aigateway.envoyproxy.io/v1beta1", "BackendSecurityPolicy").getFirst()
                .getMetadata().getOwnerReferences()).singleElement()
                .satisfies(ref -> assertThat(ref.getKind()).isEqualTo("PassthroughModel"));
        var status = eventually("router", s -> assertThat(s.conditions()).extracting(Condition::getType)
                .containsExactly("Ready", "ProviderConfigured", "ExternalEndpointReady", "InternalEndpointReady",
                        "AccessControlConfigured"));
        assertThat(condition(status, "ProviderConfigured").getStatus()).isEqualTo("True");
        assertThat(condition(status, "ProviderConfigured").getMessage())
                .isEqualTo("requests go to https://openrouter.ai:443/api/v1 with the key in Secret openrouter-credential");
        assertThat(status.models()).isEqualTo("vendor/router-model");
        assertThat(status.endpoints().model()).isEqualTo("vendor/router-model");
        assertThat(status.observedGeneration()).isEqualTo(1L);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(namespace).list().getItems())
                .as("the Ready transition as an Event on the provider")
                .anySatisfy(event -> {
                    assertThat(event.getInvolvedObject().getKind()).isEqualTo("PassthroughModel");
                    assertThat(event.getInvolvedObject().getName()).isEqualTo("router");
                    assertThat(event.getReason()).isEqualTo(condition(status, "Ready").getReason());
                }));
    }

    @Test
    void steadyStateCostsNoWrites() {
        client.resource(provider("steady", "{ids: [vendor/steady-model], catchAll: false}")).create();
        eventually("steady", s -> assertThat(s.observedGeneration()).isEqualTo(1L));
        reconciler.awaitQuiet();
        var writesBefore = reconciler.requests.writes();
        var reconcilesBefore = reconciler.reconciles();

        reconciler.controller.resyncAll();
        await().atMost(TIMEOUT).until(() -> reconciler.reconciles() > reconcilesBefore);
        reconciler.awaitQuiet();

        var writes = reconciler.requests.writes() - writesBefore;
        var recent = reconciler.requests.recentWrites();
        assertThat(writes).as("writes during a resync of an unchanged provider: %s",
                recent.subList(recent.size() - (int) Math.min(writes, recent.size()), recent.size())).isZero();
    }

    @Test
    void anIdAnLlmModelServesStaysTheLlmModelsAndStatusSaysSo() {
        var model = ModelFixtures.model(namespace, "local", "vendor/shared-id",
                "resources: {gpu: {count: 1}}\naccess: {groups: [llm-users]}\n");
        client.resource(model).create();
        client.resource(provider("overlap", "{ids: [vendor/shared-id, vendor/only-remote]}")).create();

        var status = eventually("overlap", s -> assertThat(s.models()).isEqualTo("vendor/only-remote"));

        var route = client.genericKubernetesResources("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")
                .inNamespace(namespace).withName("overlap-external").get();
        assertThat(client.getKubernetesSerialization().asJson(route)).contains("vendor/only-remote").doesNotContain("vendor/shared-id");
        assertThat(status.conditions()).anySatisfy(c -> assertThat(c.getMessage())
                .contains("vendor/shared-id left out: an LLMModel or an older PassthroughModel serves them"));
    }

    @Test
    void deletingTheProviderRemovesEverythingItHadIncludingTheKeysNamespaceGrant() {
        client.resource(provider("doomed", "{ids: [vendor/doomed-model]}")).create();
        await().atMost(TIMEOUT).until(() -> children("doomed", "gateway.networking.k8s.io/v1beta1", "ReferenceGrant").size() == 1
                && children("doomed", "aigateway.envoyproxy.io/v1beta1", "AIServiceBackend").size() == 1);

        client.resources(PassthroughModel.class).inNamespace(namespace).withName("doomed").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.resources(PassthroughModel.class).inNamespace(namespace).withName("doomed").get()).isNull();
            for (var kind : List.of(
                    Map.entry("gateway.networking.k8s.io/v1beta1", "ReferenceGrant"),
                    Map.entry("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute"),
                    Map.entry("aigateway.envoyproxy.io/v1beta1", "AIServiceBackend"),
                    Map.entry("aigateway.envoyproxy.io/v1beta1", "BackendSecurityPolicy"),
                    Map.entry("gateway.envoyproxy.io/v1alpha1", "Backend"),
                    Map.entry("gateway.networking.k8s.io/v1", "BackendTLSPolicy"),
                    Map.entry("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy"))) {
                assertThat(children("doomed", kind.getKey(), kind.getValue())).as(kind.getValue()).isEmpty();
            }
        });
    }
}
