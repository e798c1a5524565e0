package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ServerSideApply} against the real API server: what its requests store and how it reports refusals. */
@WithKubernetes
class ServerSideApplyTest {

    static ConfigMap configMap(String namespace, String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withData(data).build();
    }

    @Test
    void appliesTypedAndGenericObjectsUnderItsFieldManagerTakesOverOthersFieldsAndAnswersInTheGenericForm(TestCluster cluster) {
        var client = cluster.client();
        var namespace = cluster.newNamespace("ssa");
        client.resource(configMap(namespace, "settings", Map.of("mode", "theirs"))).create();

        var typed = ServerSideApply.apply(client, configMap(namespace, "settings", Map.of("mode", "ours")), "nebari-test");
        var generic = ServerSideApply.apply(client, client.getKubernetesSerialization().convertValue(
                configMap(namespace, "other", Map.of("a", "1")), GenericKubernetesResource.class), "nebari-test");

        assertThat((Object) typed.get("data")).isEqualTo(Map.of("mode", "ours"));
        assertThat(typed.getMetadata().getManagedFields()).as("not read from the answer").isNullOrEmpty();
        assertThat(typed.getMetadata().getUid()).isNotBlank();
        assertThat(client.configMaps().inNamespace(namespace).withName("settings").get().getMetadata().getManagedFields())
                .anyMatch(f -> f.getManager().equals("nebari-test") && f.getOperation().equals("Apply"));
        assertThat(generic).isInstanceOf(GenericKubernetesResource.class);
        assertThat(client.configMaps().inNamespace(namespace).withName("other").get().getData()).containsEntry("a", "1");
        assertThat(generic.getMetadata().getResourceVersion()).isNotBlank();
    }

    @Test
    void refusalsCarryTheApiServersCodeAndMessage(TestCluster cluster) {
        var client = cluster.client();
        var namespace = cluster.newNamespace("ssa");
        ServerSideApply.apply(client, configMap(namespace, "taken", Map.of()), "nebari-test");

        assertThatThrownBy(() -> ServerSideApply.create(client, configMap(namespace, "taken", Map.of()), "nebari-test"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(ServerSideApply.taken(e)).isTrue());
        assertThatThrownBy(() -> ServerSideApply.apply(client, configMap("no-such-namespace-ssa", "x", Map.of()), "nebari-test"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(ServerSideApply.reason(e)).isEqualTo("namespaces \"no-such-namespace-ssa\" not found");
                });
        var unserved = new GenericKubernetesResource();
        unserved.setApiVersion("example.invalid/v1");
        unserved.setKind("Nothing");
        unserved.setMetadata(configMap(namespace, "x", Map.of()).getMetadata());
        assertThatThrownBy(() -> ServerSideApply.apply(client, unserved, "nebari-test"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }
}
