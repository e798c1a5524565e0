package dev.nebari.llm.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The fault benchmark (bench/faults) kills the API server and etcd and starts them again: what was stored survives,
 * the same address and credentials work again, and a client's watch resumes by itself.
 */
class ControlPlaneRestartTest {

    @Test
    void aKilledApiServerComesBackWithItsDataAndWatchesResume() {
        try (var plane = EmbeddedControlPlane.start(KubernetesBinaries.locateOrBuild());
                var client = plane.newClient()) {
            client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("before")
                    .endMetadata().withData(Map.of("kept", "yes")).build()).create();
            var seen = new CopyOnWriteArrayList<String>();
            try (var informer = client.configMaps().inNamespace("default").inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(ConfigMap map) {
                    seen.add(map.getMetadata().getName());
                }

                @Override
                public void onUpdate(ConfigMap before, ConfigMap after) {
                }

                @Override
                public void onDelete(ConfigMap map, boolean unknown) {
                }
            })) {
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("before"));

                plane.killApiServer();
                assertThatThrownBy(() -> client.configMaps().inNamespace("default").withName("before").get())
                        .isInstanceOf(KubernetesClientException.class);
                plane.restartApiServer();

                assertThat(client.configMaps().inNamespace("default").withName("before").get().getData()).containsEntry("kept", "yes");
                client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("after")
                        .endMetadata().build()).create();
                await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains("after"));
            }
        }
    }
}
