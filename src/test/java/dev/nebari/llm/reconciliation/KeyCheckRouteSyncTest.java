package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.keys.storage.KeyShardCache;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.gateway.GatewayFacts;
import dev.nebari.llm.gateway.KeyCheckRouteRenderer;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.keys.storage.KeyShard;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
        try (var client = requests.countedClient(cluster.controlPlane().clientConfig());
                var notListed = new KeyShardCache(client, "llm-api-keys", model -> { })) {
            var sync = new KeyCheckRouteSync(client, ModelFixtures.settings(), new KeyCredentials(notListed));

            assertThatThrownBy(sync::run).hasMessageContaining("has not been started");

            assertThat(requests.writes()).as("writes: %s", requests.recentWrites()).isZero();
        }
    }

    @Test
    void aKeyChangeThatLeavesTheSecretsAsTheyAreCostsNoRequestAndAFullPassPutsBackAHandEdit(TestCluster cluster) {
        var requests = new KubernetesRequestCounter();
        var namespace = cluster.newNamespace("keys");
        var settings = inKeysNamespace(namespace);
        try (var client = requests.countedClient(cluster.controlPlane().clientConfig());
                var shards = new KeyShardCache(client, namespace, model -> { })) {
            shards.start();
            shards.awaitSynced(Duration.ofSeconds(30));
            addShard(client, shards, namespace, "llama");
            var sync = new KeyCheckRouteSync(client, settings, new KeyCredentials(shards));
            sync.run(true);
            assertThat(policy(client, namespace)).isNotNull();

            var before = requests.byVerbAndResource();
            sync.run(false);
            assertThat(requests.byVerbAndResource()).as("a pass after a key change within the same Secrets").isEqualTo(before);

            client.resource(policy(client, namespace)).delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> policy(client, namespace) == null);
            sync.run(false);
            assertThat(policy(client, namespace)).as("a light pass trusts what it put in place").isNull();
            sync.run(true);
            assertThat(policy(client, namespace)).as("a full pass puts it back").isNotNull();

            addShard(client, shards, namespace, "qwen");
            sync.run(false);
            assertThat(credentialRefs(policy(client, namespace))).as("a new Secret is listed after a light pass")
                    .hasSize(2);
        }
    }

    @Test
    void theControllerPutsBackADeletedPolicyWithoutAKeyChange(TestCluster cluster) {
        var namespace = cluster.newNamespace("keys");
        var client = cluster.client();
        try (var shards = new KeyShardCache(client, namespace, model -> { })) {
            shards.start();
            shards.awaitSynced(Duration.ofSeconds(30));
            addShard(client, shards, namespace, "llama");
            try (var controller = new KeyCheckRouteController(
                    new KeyCheckRouteSync(client, inKeysNamespace(namespace), new KeyCredentials(shards)), Duration.ofSeconds(1))) {
                controller.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> policy(client, namespace) != null);

                client.resource(policy(client, namespace)).delete();

                await().atMost(Duration.ofSeconds(20)).until(() -> policy(client, namespace) != null);
            }
        }
    }

    private static PackSettings inKeysNamespace(String namespace) {
        var base = ModelFixtures.settings();
        return new PackSettings(base.platform(), base.auth(), base.defaults(), namespace, base.watchNamespaces(),
                base.keyManager(), base.keys());
    }

    /** An empty key shard of a model, as the key writer creates it, once the cache holds it. */
    private static void addShard(KubernetesClient client, KeyShardCache shards, String namespace, String model) {
        var ref = new ModelRef("team-a", model);
        client.secrets().inNamespace(namespace).resource(KeyShard.emptySecret(namespace, ref, 0)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> !shards.shards(ref).isEmpty());
    }

    private static @Nullable GenericKubernetesResource policy(KubernetesClient client, String namespace) {
        return client.genericKubernetesResources(GatewayFacts.ENVOY_GATEWAY_API_VERSION, GatewayFacts.SECURITY_POLICY_KIND)
                .inNamespace(namespace).withName(KeyCheckRouteRenderer.NAME).get();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> credentialRefs(@Nullable GenericKubernetesResource policy) {
        assertThat(policy).isNotNull();
        var spec = (Map<String, Object>) policy.getAdditionalProperties().get("spec");
        return (List<Object>) ((Map<String, Object>) spec.get("apiKeyAuth")).get("credentialRefs");
    }
}
