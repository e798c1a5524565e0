package dev.nebari.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.Actor;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.MintRequest;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.KubernetesTest;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The whole application (operator and portal in one process): a key minted through the keys module appears in
 * the model's external SecurityPolicy (its Secret among the credentials, its client id in the allow-list) and
 * disappears from it when revoked, without the key value ever being written into a policy.
 */
@KubernetesTest
class KeysReachTheGatewayTest {

    static final Duration TIMEOUT = Duration.ofSeconds(45);

    @Test
    void mintedKeyIsAllowedByTheExternalPolicyAndRevokedKeyIsNot(TestCluster cluster, KubernetesClient client) {
        var namespace = cluster.newNamespace("keys-e2e");
        cluster.ensureNamespace("llm-api-keys");
        try (var issuer = FakeOidcIssuer.start();
                var app = new SpringApplicationBuilder(LlmServingApplication.class).run(
                        "--server.port=0", "--management.server.port=0",
                        "--platform.baseDomain=nebari.example.com",
                        "--auth.oidc.issuerURL=" + issuer.issuer(),
                        "--leaderElection.namespace=" + namespace,
                        "--cluster.kubeconfig=" + cluster.kubeconfig())) {
            var model = ModelFixtures.model(namespace, "keyed", "Qwen/Qwen3-0.6B", "access: {groups: [llm-users]}");
            client.resource(model).create();
            await().atMost(TIMEOUT).until(() -> policy(client, namespace) != null);

            var keys = app.getBean(ApiKeys.class);
            var issued = keys.mint(new MintRequest(new KeyOwner("user-1", "ada@example.com"), Set.of("llm-users"),
                    new ModelRef(namespace, "keyed"), model.getSpec().access(), "notebook", Optional.empty()));
            var clientId = issued.key().clientId().value();

            await().atMost(TIMEOUT).untilAsserted(() -> {
                var json = policy(client, namespace);
                assertThat(json).contains(clientId).contains("credentialRefs");
                assertThat(json).doesNotContain(issued.secret().reveal());
            });

            keys.revoke(issued.key().clientId(), new Actor("user-1", "ada@example.com", Actor.Role.USER));

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(policy(client, namespace)).doesNotContain(clientId));
            client.resources(LLMModel.class).inNamespace(namespace).withName("keyed").delete();
        }
    }

    private static String policy(KubernetesClient client, String namespace) {
        var policy = client.genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")
                .inNamespace(namespace).withName("keyed-external").get();
        return policy == null ? null : client.getKubernetesSerialization().asJson(policy);
    }
}
