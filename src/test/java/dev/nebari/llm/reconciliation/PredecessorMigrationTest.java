package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.testing.ModelAssert.assertThatModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.ModelEventReason;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A namespace where the Go predecessor served a model: its objects (test data written from its documented layout,
 * src/test/resources/predecessor) are on the real API server before this operator starts. The operator replaces the
 * Deployments (their selectors cannot change), takes over the objects under our names (the PVC with the weights is
 * kept, not recreated), removes what only the predecessor used, says each step in an Event, leaves the old key
 * Secret for the admin's import, and the model ends with no apply failure.
 */
@WithKubernetes
class PredecessorMigrationTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aModelThePredecessorServedIsTakenOverWithItsWeightsAndWithoutItsLeftovers(TestCluster cluster) throws IOException {
        var client = cluster.client();
        var namespace = cluster.newNamespace("predecessor");
        var model = ModelFixtures.model(namespace, "qwen", "org/qwen-" + UUID.randomUUID().toString().substring(0, 8),
                "resources: {gpu: {count: 1}}\naccess: {groups: [llm-users]}");
        model.getMetadata().setFinalizers(List.of("llm.nebari.dev/cleanup")); // the predecessor's, the same string as ours
        var created = client.resource(model).create();
        var uid = created.getMetadata().getUid();
        String data;
        try (var in = getClass().getResourceAsStream("/predecessor/model-objects.yaml")) {
            data = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("OWNER_UID", uid).replace("NAMESPACE", namespace);
        }
        List<HasMetadata> predecessors = client.getKubernetesSerialization().unmarshal(data);
        for (var object : predecessors) {
            object.getMetadata().setNamespace(namespace);
            client.resource(object).create();
        }
        var pvcUid = client.persistentVolumeClaims().inNamespace(namespace).withName("qwen-model-storage").get()
                .getMetadata().getUid();

        try (var operator = new RunningReconciler(cluster, Duration.ofSeconds(5))) {
            await().atMost(TIMEOUT).untilAsserted(() -> {
                var deployment = client.apps().deployments().inNamespace(namespace).withName("qwen").get();
                assertThat(deployment).isNotNull();
                assertThat(deployment.getSpec().getSelector().getMatchLabels())
                        .containsEntry(ModelObjects.MODEL, "qwen").doesNotContainKey("app.kubernetes.io/instance");
                var picker = client.apps().deployments().inNamespace(namespace).withName("qwen-epp").get();
                assertThat(picker).isNotNull();
                assertThat(picker.getSpec().getSelector().getMatchLabels()).containsEntry(ModelObjects.MODEL, "qwen")
                        .doesNotContainKey("app.kubernetes.io/instance");
                var service = client.services().inNamespace(namespace).withName("qwen").get();
                assertThat(service).isNotNull();
                assertThat(service.getSpec().getSelector()).containsEntry(ModelObjects.MODEL, "qwen")
                        .doesNotContainKey("app.kubernetes.io/instance");
                var pvc = client.persistentVolumeClaims().inNamespace(namespace).withName("qwen-model-storage").get();
                assertThat(pvc).isNotNull();
                assertThat(pvc.getMetadata().getUid()).as("the weights' volume is kept, not recreated").isEqualTo(pvcUid);
                assertThat(pvc.getMetadata().getLabels()).containsEntry(ModelObjects.MANAGED_BY, ModelObjects.PACK);
                var pool = client.genericKubernetesResources("inference.networking.k8s.io/v1", "InferencePool")
                        .inNamespace(namespace).withName("qwen").get();
                assertThat(pool).isNotNull();
                assertThat(pool.getMetadata().getLabels()).containsEntry(ModelObjects.MANAGED_BY, ModelObjects.PACK);

                assertThat(client.serviceAccounts().inNamespace(namespace).withName("qwen-sa").get()).isNull();
                assertThat(client.network().networkPolicies().inNamespace(namespace).withName("qwen-deny-direct").get()).isNull();
                assertThat(client.genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")
                        .inNamespace(namespace).withName("qwen-external-auth").get())
                        .as("it would guard our route a second time").isNull();
            });
            var reasons = client.v1().events().inNamespace(namespace).list().getItems().stream()
                    .filter(e -> "qwen".equals(e.getInvolvedObject().getName())).map(Event::getReason).toList();
            assertThat(reasons).contains(ModelEventReason.PredecessorObjectReplaced.name(),
                    ModelEventReason.PredecessorObjectTakenOver.name(), ModelEventReason.PredecessorObjectRemoved.name());
            assertThat(client.secrets().inNamespace(namespace).withName("qwen-api-keys").get())
                    .as("the old keys stay for the admin to import").isNotNull();
            assertThatModel(client, namespace, "qwen").within(TIMEOUT).eventuallyHasStatus(status -> {
                assertThat(StatusAggregator.find(status, ConditionType.READY).orElseThrow().getReason())
                        .isNotIn("ApplyFailed");
            });
        }
    }
}
