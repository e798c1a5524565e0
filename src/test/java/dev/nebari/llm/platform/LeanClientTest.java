package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link LeanClient} against the real API server: objects without their managed fields, everything else intact. */
class LeanClientTest {

    @Test
    void readsAndWatchesTypedObjectsWithoutManagedFieldsAndWritesLeaveTheStoredOnesAlone() {
        var cluster = TestCluster.shared();
        var namespace = cluster.newNamespace("lean");
        var plain = cluster.client();
        var lean = LeanClient.withoutManagedFields(plain, Secret.class, ConfigMap.class);
        plain.resource(new SecretBuilder().withNewMetadata().withNamespace(namespace).withName("shard")
                .withLabels(Map.of("app", "keys")).withAnnotations(Map.of("key.example/a", "{}")).endMetadata()
                .withData(Map.of("a", "c2VjcmV0")).build()).create();
        var seen = new CopyOnWriteArrayList<Object>();

        var read = lean.secrets().inNamespace(namespace).withName("shard").get();
        try (var informer = lean.secrets().inNamespace(namespace).inform(ChangeHandler.whilePresent(seen::add))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty());
        }
        read.getData().put("b", "c2VjcmV0");
        var updated = lean.secrets().inNamespace(namespace).resource(read).update();

        assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(read.getMetadata().getLabels()).containsEntry("app", "keys");
        assertThat(read.getMetadata().getAnnotations()).containsEntry("key.example/a", "{}");
        assertThat(seen).singleElement().isExactlyInstanceOf(Secret.class)
                .satisfies(object -> assertThat(((Secret) object).getMetadata().getManagedFields()).isNullOrEmpty());
        assertThat(updated.getData()).containsOnlyKeys("a", "b");
        assertThat(plain.secrets().inNamespace(namespace).withName("shard").get().getMetadata().getManagedFields())
                .as("kept by the API server").isNotEmpty();
    }
}
