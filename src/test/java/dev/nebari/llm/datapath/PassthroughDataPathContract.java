package dev.nebari.llm.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.datapath.DataPathStack.Minted;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.ProviderCrds;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * External providers (PassthroughModel) through a real Envoy AI Gateway: a fake OpenAI-compatible provider on
 * 127.0.0.1 with TLS (its CA in the provider's CA ConfigMap), reached with our API keys and in-cluster JWTs under
 * the same access rules as a local model, the provider's own credential (from the admin's Secret) put in by the
 * gateway, and ours never passed on. Subclasses pick the routing mode.
 */
@Tag("datapath")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
abstract class PassthroughDataPathContract {

    static final String REMOTE = "vendor/remote-chat";
    static final String OTHER = "vendor/other-chat";
    static final String UNLISTED = "vendor/never-listed";

    final String providerKey = "provider-" + UUID.randomUUID();

    abstract RoutingMode mode();

    /**
     * What a valid key of another provider gets once this provider has keys of its own: 403 in shared mode (the
     * key-check route authenticates it, the provider's allow-list refuses it), 401 in subdomain mode (the host picks
     * the provider's route first, and only its keys authenticate there).
     */
    abstract int anotherProvidersKeyStatus();
    FakeProvider provider;
    DataPathStack stack;
    KubernetesClient client;

    @BeforeAll
    void start(TestCluster cluster) throws IOException {
        ProviderCrds.install(cluster.client());
        provider = new FakeProvider("v1");
        stack = DataPathStack.start(cluster, mode());
        client = cluster.client();
        client.resource(new SecretBuilder().withNewMetadata().withName("provider-credential").withNamespace(stack.namespace)
                .endMetadata().withStringData(Map.of("apiKey", providerKey)).build()).create();
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("provider-ca").withNamespace(stack.namespace)
                .endMetadata().withData(Map.of("ca.crt", provider.caCertificate())).build()).create();
        client.resource(passthrough("remote", "ids: [" + REMOTE + "]\n    catchAll: true", "groups: [data-science]")).create();
        client.resource(passthrough("other", "ids: [" + OTHER + "]", "groups: [data-science]")).create();
        stack.awaitServed(client, "remote", "other");
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    PassthroughModel passthrough(String name, String models, String access) {
        return client.getKubernetesSerialization().unmarshal("""
                apiVersion: llm.nebari.dev/v1alpha1
                kind: PassthroughModel
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  provider:
                    hostname: localhost
                    port: %d
                    credential:
                      secretName: provider-credential
                    caBundle:
                      configMapName: provider-ca
                  models:
                    %s
                  access:
                    %s
                """.formatted(name, stack.namespace, provider.port(), models, access), PassthroughModel.class);
    }

    String alice() {
        return stack.token("alice", "/data-science");
    }

    /** The external host of the {@code remote} provider: the shared one, or its own in subdomain mode. */
    String host() {
        return host("remote", dev.nebari.llm.gateway.EndpointSide.EXTERNAL);
    }

    String internalHost() {
        return host("remote", dev.nebari.llm.gateway.EndpointSide.INTERNAL);
    }

    String host(String provider, dev.nebari.llm.gateway.EndpointSide side) {
        var stored = client.resources(PassthroughModel.class).inNamespace(stack.namespace).withName(provider).require();
        return dev.nebari.llm.gateway.ModelEndpoints.host(side, dev.nebari.llm.gateway.PassthroughRenderer.subdomain(stored),
                stack.app.getBean(dev.nebari.llm.platform.PackSettings.class));
    }

    /** A chat that must reach the provider; returns what the provider received for it. */
    FakeProvider.Received lastReceivedFor(String model) {
        return provider.received().reversed().stream().filter(r -> model.equals(r.model())).findFirst()
                .orElseThrow(() -> new AssertionError("the provider received no request for " + model));
    }

    @Test
    void ourKeyGetsTheProvidersAnswerAndTheProviderSeesItsOwnCredentialNeverOurs() {
        var key = stack.mint(alice(), "remote");

        var response = await().atMost(Duration.ofSeconds(20)).until(() -> stack.chat(key.value(), host(), REMOTE),
                r -> r.status() != 401 && r.status() != 403 || false);

        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.json().path("choices").get(0).path("message").path("content").asString())
                .isEqualTo("hello from the provider");
        var received = lastReceivedFor(REMOTE);
        assertThat(received.path()).isEqualTo("/v1/chat/completions");
        assertThat(received.header("authorization")).isEqualTo("Bearer " + providerKey);
        assertThat(received.headers().toString()).doesNotContain(key.value());
        assertThat(received.body()).doesNotContain(key.value());
    }

    @Test
    void withoutAKeyOrWithAnUnknownOneTheCallerIsRefusedAndTheProviderNeverAsked() {
        var before = provider.received().size();

        assertThat(stack.chat(null, host(), REMOTE).status()).isEqualTo(401);
        assertThat(stack.chat("sk-not-a-key-" + UUID.randomUUID(), host(), REMOTE).status()).isEqualTo(401);

        assertThat(provider.received()).hasSize(before);
    }

    @Test
    void aKeyForAnotherModelIsRefused() {
        var ownKey = stack.mint(alice(), "remote");
        await().atMost(Duration.ofSeconds(20)).until(() -> stack.chat(ownKey.value(), host(), REMOTE).status() == 200);
        var otherKey = keyOfOther();

        var response = stack.chat(otherKey.value(), host(), REMOTE);

        assertThat(response.status()).as("%s %s", response, response.headers().map()).isEqualTo(anotherProvidersKeyStatus());
        assertThat(provider.received()).noneMatch(r -> REMOTE.equals(r.model()) && r.headers().toString().contains(otherKey.clientId()));
    }

    /**
     * Before a provider (or model) has any key, its policy has no key Secrets: Envoy Gateway then renders the route's
     * api_key_auth with no credentials, and Envoy's filter falls back to the listener-level ones, which Envoy Gateway
     * takes from the first route with API-key auth, another's. So in either mode another's key is authenticated there
     * and the empty allow-list refuses it: 403, and the provider never sees the request. Runs first, while "remote"
     * has no keys.
     */
    @Test
    @org.junit.jupiter.api.Order(1)
    void whileAProviderHasNoKeysAnotherProvidersKeyIsRefusedByItsEmptyAllowList() {
        assertThat(client.secrets().inNamespace(stack.keysNamespace).withLabel("llm.nebari.dev/model", "remote").list().getItems())
                .as("no key Secret of remote yet").isEmpty();
        var otherKey = keyOfOther();

        var response = stack.chat(otherKey.value(), host(), REMOTE);

        assertThat(response.status()).as("%s %s", response, response.headers().map()).isEqualTo(403);
        assertThat(provider.received()).noneMatch(r -> REMOTE.equals(r.model()) && r.headers().toString().contains(otherKey.clientId()));
    }

    private Minted keyOfOther() {
        var otherKey = stack.mint(alice(), "other");
        var otherHost = host("other", dev.nebari.llm.gateway.EndpointSide.EXTERNAL);
        await().atMost(Duration.ofSeconds(20)).until(() -> stack.chat(otherKey.value(), otherHost, OTHER).status() == 200);
        return otherKey;
    }

    @Test
    void theCatchAllSendsAnIdNoOneListsToTheProvider() {
        var key = stack.mint(alice(), "remote");

        var response = await().atMost(Duration.ofSeconds(20)).until(() -> stack.chat(key.value(), host(), UNLISTED),
                r -> r.status() != 401 && r.status() != 403);

        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(lastReceivedFor(UNLISTED).header("authorization")).isEqualTo("Bearer " + providerKey);
    }

    @Test
    void anInClusterTokenWithAnAllowedGroupIsServedAndOtherGroupsAreRefused() {
        var token = alice();
        var allowed = stack.internal("POST", "/v1/chat/completions", token, internalHost(),
                DataPathStack.chatBody(REMOTE, false, null));
        var other = stack.internal("POST", "/v1/chat/completions", stack.token("bob", "other-team"), internalHost(),
                DataPathStack.chatBody(REMOTE, false, null));

        assertThat(allowed.status()).as("%s", allowed).isEqualTo(200);
        assertThat(lastReceivedFor(REMOTE).headers().get("authorization")).containsExactly("Bearer " + providerKey);
        assertThat(lastReceivedFor(REMOTE).headers().toString()).as("the caller's token stays with us").doesNotContain(token);
        assertThat(other.status()).isEqualTo(403);
    }

    /** Last, once every request above was made: the run's log (logback-test.xml) never held the credential. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void theProviderCredentialAppearsInNoLogLine() throws IOException {
        var log = java.nio.file.Files.readString(java.nio.file.Path.of("target/test-logs/all.log"));

        assertThat(log).as("the run log records this class's gateway").contains("aigw run-");
        assertThat(log).doesNotContain(providerKey);
    }

    @Test
    void theProviderCredentialAppearsInNoStatusEventOrPortalPage() throws Exception {
        var status = client.getKubernetesSerialization().asJson(client.resources(PassthroughModel.class)
                .inNamespace(stack.namespace).withName("remote").get());
        var events = client.resources(Event.class).inNamespace(stack.namespace).list().getItems().stream()
                .map(e -> client.getKubernetesSerialization().asJson(e)).toList();
        var portal = stack.portalPage("/models", "alice-sub", "alice", "data-science");
        var api = DataPathStack.call("GET", stack.api + "/api/v1/models", alice(), null, null).body();

        assertThat(status).contains("localhost").doesNotContain(providerKey);
        assertThat(events).noneMatch(e -> e.contains(providerKey));
        assertThat(portal).contains("External provider", "<code>localhost</code>", REMOTE).doesNotContain(providerKey);
        assertThat(api).contains("\"provider\":\"localhost\"").doesNotContain(providerKey);
    }
}
