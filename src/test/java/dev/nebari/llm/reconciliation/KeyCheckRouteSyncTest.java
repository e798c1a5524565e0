package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.keys.storage.KeyShardCache;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;

/**
 * The pack-wide key-check route lists every key Secret to the gateway: rendered before the key Secrets have been
 * listed, its policy would leave out keys that exist and, applied, refuse them (three such writes were seen after an
 * operator restart at 3,000 models in bench/scale).
 */
@WithKubernetes
class KeyCheckRouteSyncTest {

    @Test
    void nothingIsAppliedBeforeTheKeySecretsHaveBeenListed(TestCluster cluster) {
        var requests = new KubernetesRequestCounter();
        try (var client = new KubernetesClientBuilder().withConfig(cluster.controlPlane().clientConfig())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(KubernetesRequestCounter.NAME, requests))
                .build();
                var notListed = new KeyShardCache(client, "llm-api-keys", model -> { })) {
            var sync = new KeyCheckRouteSync(client, ModelFixtures.settings(), new KeyCredentials(notListed));

            assertThatThrownBy(sync::run).hasMessageContaining("has not been started");

            assertThat(requests.writes()).as("writes: %s", requests.recentWrites()).isZero();
        }
    }
}
