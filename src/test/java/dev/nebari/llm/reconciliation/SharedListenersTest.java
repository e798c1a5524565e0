package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.gateway.GatewayFacts;
import dev.nebari.llm.gateway.SharedListenerRenderer;
import dev.nebari.llm.localcluster.CrdInstaller;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ObjectTree;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.platform.LeadershipChanged;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pack's listeners on shared Gateways that other apps use too (as on Nebari, where nebari-operator adds a
 * listener per app), against a real API server with the Gateway API and cert-manager CRDs: server-side apply of
 * only the pack's entries, one Certificate or the user's Secret, nothing created where a Gateway is missing, and
 * everything of the pack (and only that) taken back when the setting is turned off.
 */
@WithKubernetes
class SharedListenersTest {

    /** Another app's listener, added by another field manager, as nebari-operator does for a NebariApp. */
    static final String FOREIGN_LISTENER = "tls-jupyter-nebari";

    static final KubernetesRequestCounter requests = new KubernetesRequestCounter();
    static KubernetesClient client;
    static TestCluster cluster;

    @BeforeAll
    static void connect(TestCluster testCluster) {
        cluster = testCluster;
        client = requests.countedClient(cluster.controlPlane().clientConfig());
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    static PackSettings settings(String namespace, boolean manage, RoutingMode mode, String issuer, String secret) {
        return ModelFixtures.sharedListeners(ModelFixtures.settings(mode), namespace, manage, issuer, secret);
    }

    static SharedListenerSync sync(String namespace, boolean manage, String issuer, String secret) {
        return new SharedListenerSync(client, settings(namespace, manage, RoutingMode.SHARED, issuer, secret));
    }

    static void createGateway(String namespace, String name, String foreignHost) {
        createGateway(cluster.client(), namespace, name, foreignHost);
    }

    /** A shared Gateway as another tool keeps it: its class and one listener of another app. */
    static void createGateway(KubernetesClient admin, String namespace, String name, String foreignHost) {
        var gateway = ModelFixtures.SERIALIZATION.unmarshal("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: %s, namespace: %s}
                spec:
                  gatewayClassName: envoy-gateway
                  listeners:
                    - name: %s
                      protocol: HTTPS
                      port: 443
                      hostname: %s
                      tls:
                        mode: Terminate
                        certificateRefs: [{name: jupyter-tls}]
                """.formatted(name, namespace, FOREIGN_LISTENER, foreignHost), GenericKubernetesResource.class);
        admin.resource(gateway).fieldManager("nebari-operator").serverSideApply();
    }

    static String gatewaysNamespace() {
        var namespace = cluster.newNamespace("gateways");
        createGateway(namespace, "nebari-gateway", "jupyter.example.com");
        createGateway(namespace, "nebari-internal-gateway", "jupyter-internal.example.com");
        return namespace;
    }

    static Map<String, Map<String, Object>> listeners(String namespace, String gateway) {
        var observed = client.genericKubernetesResources(GatewayFacts.GATEWAY_API_VERSION, GatewayFacts.GATEWAY_KIND)
                .inNamespace(namespace).withName(gateway).get();
        return observed == null ? Map.of() : SharedListenerRenderer.listeners(observed);
    }

    static GenericKubernetesResource certificate(String namespace) {
        return client.genericKubernetesResources(GatewayFacts.CERTIFICATE_API_VERSION, GatewayFacts.CERTIFICATE_KIND)
                .inNamespace(namespace).withName(SharedListenerRenderer.CERTIFICATE_NAME).get();
    }

    @Test
    void addsThePacksListenersBesideAnotherAppsAndCertifiesBothHosts() {
        var namespace = gatewaysNamespace();

        sync(namespace, true, "letsencrypt", "").run();

        assertThat(listeners(namespace, "nebari-gateway")).containsOnlyKeys(FOREIGN_LISTENER, "llm-https");
        assertThat(listeners(namespace, "nebari-gateway").get("llm-https"))
                .containsEntry("hostname", "llm.example.com")
                .containsEntry("protocol", "HTTPS")
                .containsEntry("allowedRoutes", Map.of("namespaces", Map.of("from", "All")));
        assertThat(listeners(namespace, "nebari-gateway").get(FOREIGN_LISTENER)).containsEntry("hostname", "jupyter.example.com");
        assertThat(listeners(namespace, "nebari-internal-gateway")).containsOnlyKeys(FOREIGN_LISTENER, "llm-internal-https");
        var certificate = ObjectTree.of(certificate(namespace));
        assertThat(certificate.list("spec.dnsNames")).containsExactly("llm.example.com", "llm-internal.example.com");
        assertThat(certificate.at("spec.secretName")).isEqualTo("nebari-llm-tls");
        assertThat(certificate.at("spec.issuerRef.name")).isEqualTo("letsencrypt");
        assertThat(ObjectTree.of(client.genericKubernetesResources(GatewayFacts.GATEWAY_API_VERSION, GatewayFacts.GATEWAY_KIND)
                .inNamespace(namespace).withName("nebari-gateway").get()).at("spec.gatewayClassName"))
                .as("the rest of the Gateway is untouched").isEqualTo("envoy-gateway");
    }

    @Test
    void ownsOnlyItsOwnListenerEntriesAndCostsNoWriteOnceInPlace() {
        var namespace = gatewaysNamespace();
        var sync = sync(namespace, true, "letsencrypt", "");
        sync.run();

        var gateway = client.genericKubernetesResources(GatewayFacts.GATEWAY_API_VERSION, GatewayFacts.GATEWAY_KIND)
                .inNamespace(namespace).withName("nebari-gateway").get();
        assertThat(SharedListenerSync.ownedListeners(gateway)).containsExactly("llm-https");
        var writes = requests.writes();
        sync.run();
        assertThat(requests.writes() - writes).as("writes of a pass over listeners in place: %s", requests.recentWrites()).isZero();
    }

    @Test
    void subdomainModeServesTheWildcardHostsWithAWildcardCertificate() {
        var namespace = gatewaysNamespace();

        new SharedListenerSync(client, settings(namespace, true, RoutingMode.SUBDOMAIN, "letsencrypt-dns", "")).run();

        assertThat(listeners(namespace, "nebari-gateway").get("llm-https")).containsEntry("hostname", "*.llm.example.com");
        assertThat(listeners(namespace, "nebari-internal-gateway").get("llm-internal-https"))
                .containsEntry("hostname", "*.llm-internal.example.com");
        assertThat(ObjectTree.of(certificate(namespace)).list("spec.dnsNames"))
                .containsExactly("*.llm.example.com", "*.llm-internal.example.com");
    }

    @Test
    void withAProvidedTlsSecretTheListenersUseItAndNoCertificateIsKept() {
        var namespace = gatewaysNamespace();
        sync(namespace, true, "letsencrypt", "").run();
        assertThat(certificate(namespace)).isNotNull();

        sync(namespace, true, "", "my-llm-tls").run();

        assertThat(certificate(namespace)).as("the Certificate of the issuer-based setup").isNull();
        assertThat(listeners(namespace, "nebari-gateway").get("llm-https").get("tls")).isEqualTo(Map.of("mode", "Terminate",
                "certificateRefs", List.of(Map.of("group", "", "kind", "Secret", "name", "my-llm-tls"))));
    }

    @Test
    void turningTheSettingOffRemovesOnlyThePacksListenersAndCertificate() {
        var namespace = gatewaysNamespace();
        sync(namespace, true, "letsencrypt", "").run();
        assertThat(listeners(namespace, "nebari-gateway")).containsKey("llm-https");

        sync(namespace, false, "letsencrypt", "").run();

        assertThat(listeners(namespace, "nebari-gateway")).containsOnlyKeys(FOREIGN_LISTENER);
        assertThat(listeners(namespace, "nebari-internal-gateway")).containsOnlyKeys(FOREIGN_LISTENER);
        assertThat(certificate(namespace)).isNull();
    }

    @Test
    void aMissingGatewayIsReportedNotCreatedAndGetsTheListenersWhenItAppears() {
        var namespace = cluster.newNamespace("gateways");
        var sync = sync(namespace, true, "letsencrypt", "");

        sync.run();

        assertThat(client.genericKubernetesResources(GatewayFacts.GATEWAY_API_VERSION, GatewayFacts.GATEWAY_KIND)
                .inNamespace(namespace).list().getItems()).as("Gateways created by the pack").isEmpty();
        assertThat(sync.problems()).containsKey("Gateway " + namespace + "/nebari-gateway");
        assertThat(sync.problems().get("Gateway " + namespace + "/nebari-gateway"))
                .contains("does not exist").contains("never creates one");

        createGateway(namespace, "nebari-gateway", "jupyter.example.com");
        createGateway(namespace, "nebari-internal-gateway", "jupyter-internal.example.com");
        sync.run();

        assertThat(listeners(namespace, "nebari-gateway")).containsKeys(FOREIGN_LISTENER, "llm-https");
        assertThat(sync.problems()).isEmpty();
    }

    @Test
    void withoutCertManagerTheListenersStillComeAndTheCertificateFollowsWhenItIsInstalled() {
        var namespace = gatewaysNamespace();
        var sync = sync(namespace, true, "letsencrypt", "");
        cluster.withoutCrd(GatewayFacts.CERTIFICATE_CRD, () -> {
            sync.run();

            assertThat(listeners(namespace, "nebari-gateway")).containsKey("llm-https");
            assertThat(sync.problems().get("Certificate " + namespace + "/nebari-llm"))
                    .contains(GatewayFacts.CERTIFICATE_CRD).contains("platform.tls.secretName");
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            sync.run();
            assertThat(certificate(namespace)).isNotNull();
        });
        assertThat(sync.problems()).isEmpty();
    }

    @Test
    void onlyTheLeaderKeepsTheListenersAndItPutsBackWhatIsRemoved() {
        var namespace = gatewaysNamespace();
        var controller = new SharedListenerController(sync(namespace, true, "letsencrypt", ""), Duration.ofMillis(200));
        try {
            await("no listener before leading").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(listeners(namespace, "nebari-gateway")).doesNotContainKey("llm-https"));

            controller.onLeadershipChanged(new LeadershipChanged(true, "test"));
            await().atMost(Duration.ofSeconds(10)).until(() -> listeners(namespace, "nebari-gateway").containsKey("llm-https"));

            controller.onLeadershipChanged(new LeadershipChanged(false, "test"));
            removeListener(namespace, "nebari-gateway", "llm-https");
            await("no listener after leading").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(listeners(namespace, "nebari-gateway")).doesNotContainKey("llm-https"));

            controller.onLeadershipChanged(new LeadershipChanged(true, "test"));
            await().atMost(Duration.ofSeconds(10)).until(() -> listeners(namespace, "nebari-gateway").containsKey("llm-https"));
        } finally {
            controller.close();
        }
    }

    /** Someone edits the pack's listener away (a JSON patch, as kubectl edit would send). */
    @SuppressWarnings("unchecked")
    static void removeListener(String namespace, String gateway, String listener) {
        var resource = cluster.client().genericKubernetesResources(GatewayFacts.GATEWAY_API_VERSION, GatewayFacts.GATEWAY_KIND)
                .inNamespace(namespace).withName(gateway);
        resource.edit(g -> {
            var spec = (Map<String, Object>) g.getAdditionalProperties().get("spec");
            spec.put("listeners", ((List<Map<String, Object>>) spec.get("listeners")).stream()
                    .filter(l -> !listener.equals(l.get("name"))).toList());
            return g;
        });
    }
}
