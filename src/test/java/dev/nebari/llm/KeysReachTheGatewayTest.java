package dev.nebari.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.Actor;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.AuditRecord;
import dev.nebari.llm.keys.IssuedKey;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.keys.MintRequest;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.keys.events.RevocationReason;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole application (operator and portal in one process) against a real API server: a key minted through the
 * keys module appears in the model's external SecurityPolicy (its Secret among the credentials, its client id in
 * the allow-list) and disappears when revoked, without the key value ever being written into a policy; changing a
 * model's access groups revokes exactly the keys whose owners lost access, with audit records.
 */
@WithKubernetes
class KeysReachTheGatewayTest {

    static final Duration TIMEOUT = Duration.ofSeconds(45);
    static FakeOidcIssuer issuer;
    static ConfigurableApplicationContext app;
    static ApiKeys keys;
    static String namespace;

    @BeforeAll
    static void startTheApplication(TestCluster cluster) {
        namespace = cluster.newNamespace("keys-e2e");
        cluster.ensureNamespace("llm-api-keys");
        issuer = FakeOidcIssuer.start();
        app = TestApplication.start(
                "--auth.oidc.issuerURL=" + issuer.issuer(),
                "--leaderElection.namespace=" + namespace,
                "--cluster.kubeconfig=" + cluster.kubeconfig());
        keys = app.getBean(ApiKeys.class);
    }

    @AfterAll
    static void stopTheApplication() {
        app.close();
        issuer.close();
    }

    @Test
    void mintedKeyIsAllowedByTheExternalPolicyAndRevokedKeyIsNot(KubernetesClient client) {
        var model = ModelFixtures.model(namespace, "keyed", "Qwen/Qwen3-0.6B", "access: {groups: [llm-users]}");
        client.resource(model).create();
        await().atMost(TIMEOUT).until(() -> policy(client, "keyed") != null);

        var issued = mint(model, "user-1", "ada@example.com", "llm-users");
        var clientId = issued.key().clientId().value();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            var json = policy(client, "keyed");
            assertThat(json).contains(clientId).contains("credentialRefs");
            assertThat(json).doesNotContain(issued.secret().reveal());
        });

        keys.revoke(issued.key().clientId(), new Actor("user-1", "ada@example.com", Actor.Role.USER));

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(policy(client, "keyed")).doesNotContain(clientId));
    }

    @Test
    void changingAccessGroupsRevokesExactlyTheKeysWhoseOwnersLostAccess(KubernetesClient client) {
        var model = ModelFixtures.model(namespace, "shared", "org/shared", "access: {groups: [llm-users, data-science]}");
        client.resource(model).create();
        var kept = mint(model, "user-a", "ada@example.com", "llm-users");
        var lost = mint(model, "user-b", "grace@example.com", "data-science");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(policy(client, "shared"))
                .contains(kept.key().clientId().value()).contains(lost.key().clientId().value()));

        client.resources(LLMModel.class).inNamespace(namespace).withName("shared")
                .edit(m -> ModelFixtures.model(namespace, "shared", "org/shared", "access: {groups: [llm-users]}"));

        var ref = new ModelRef(namespace, "shared");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(keys.list(KeyQuery.forModel(ref)))
                .extracting(k -> k.clientId().value()).containsExactly(kept.key().clientId().value()));
        // the audit record follows the write that removed the key
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(keys.recentAudit(100)).anySatisfy(record -> {
            assertThat(record.action()).isEqualTo(AuditRecord.REVOKED);
            assertThat(record.clientId()).isEqualTo(lost.key().clientId().value());
            assertThat(record.reason()).contains(RevocationReason.ACCESS_CHANGED);
        }));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(policy(client, "shared"))
                .contains(kept.key().clientId().value()).doesNotContain(lost.key().clientId().value()));
    }

    private static IssuedKey mint(LLMModel model, String subject, String username, String group) {
        return keys.mint(new MintRequest(new KeyOwner(subject, username), Set.of(group),
                new ModelRef(namespace, model.getMetadata().getName()), model.getSpec().access(), "notebook",
                Optional.empty()));
    }

    private static String policy(KubernetesClient client, String model) {
        var policy = client.genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")
                .inNamespace(namespace).withName(model + "-external").get();
        return policy == null ? null : client.getKubernetesSerialization().asJson(policy);
    }
}
