package dev.nebari.llm.gateway;

import static dev.nebari.llm.model.ModelFixtures.settings;
import static dev.nebari.llm.model.ModelFixtures.sharedListeners;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.ObjectTree;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedListenerRendererTest {

    static PackSettings managed(RoutingMode mode, String issuer, String secret) {
        return sharedListeners(settings(mode), "envoy-gateway-system", true, issuer, secret);
    }

    @Test
    void rendersEachGatewayWithOnlyThePacksHttpsListener() {
        var gateways = SharedListenerRenderer.gateways(managed(RoutingMode.SHARED, "letsencrypt", ""));

        assertThat(gateways).extracting(g -> g.getMetadata().getName())
                .containsExactly("nebari-gateway", "nebari-internal-gateway");
        var external = ObjectTree.of(gateways.getFirst());
        assertThat(external.root()).containsOnlyKeys("apiVersion", "kind", "metadata", "spec");
        assertThat(external.map("spec")).containsOnlyKeys("listeners");
        assertThat(external.list("spec.listeners")).containsExactly(Map.of(
                "name", "llm-https",
                "hostname", "llm.example.com",
                "port", 443,
                "protocol", "HTTPS",
                "tls", Map.of("mode", "Terminate", "certificateRefs", List.of(Map.of("group", "", "kind", "Secret", "name", "nebari-llm-tls"))),
                "allowedRoutes", Map.of("namespaces", Map.of("from", "All"))));
        assertThat(ObjectTree.of(gateways.get(1)).at("spec.listeners[0].hostname")).isEqualTo("llm-internal.example.com");
        assertThat(external.map("metadata")).as("no labels or annotations on someone else's Gateway")
                .containsOnlyKeys("name", "namespace");
    }

    @Test
    void putsBothListenersOnOneGatewayWhenBothSidesShareIt() {
        var base = managed(RoutingMode.SHARED, "letsencrypt", "");
        var gateways = base.platform().gateway();
        var oneGateway = new PackSettings(new PackSettings.Platform(base.platform().baseDomain(), base.platform().routing(),
                new PackSettings.Gateways(gateways.external(),
                        new PackSettings.InternalGateway("nebari-gateway", "envoy-gateway-system", "llm-internal-https", ""), true),
                base.platform().tls(), base.platform().monitoringNamespace()),
                base.auth(), base.defaults(), base.apiKeysNamespace(), base.watchNamespaces(), base.keyManager(), base.keys());

        assertThat(SharedListenerRenderer.gateways(oneGateway)).singleElement()
                .satisfies(g -> assertThat(SharedListenerRenderer.listeners(g)).containsOnlyKeys("llm-https", "llm-internal-https"));
    }

    @Test
    void sharedModeCertifiesBothPlainHosts() {
        var certificate = ObjectTree.of(SharedListenerRenderer.certificate(managed(RoutingMode.SHARED, "letsencrypt", "")).orElseThrow());

        assertThat(certificate.at("metadata.name")).isEqualTo("nebari-llm");
        assertThat(certificate.at("metadata.namespace")).isEqualTo("envoy-gateway-system");
        assertThat(certificate.at("spec.secretName")).isEqualTo("nebari-llm-tls");
        assertThat(certificate.list("spec.dnsNames")).containsExactly("llm.example.com", "llm-internal.example.com");
        assertThat(certificate.map("spec.issuerRef")).isEqualTo(Map.of("group", "cert-manager.io", "kind", "ClusterIssuer", "name", "letsencrypt"));
    }

    @Test
    void subdomainModeUsesWildcardListenersAndAWildcardCertificate() {
        var settings = managed(RoutingMode.SUBDOMAIN, "letsencrypt-dns", "");

        assertThat(SharedListenerRenderer.gateways(settings)).extracting(g -> ObjectTree.of(g).at("spec.listeners[0].hostname"))
                .containsExactly("*.llm.example.com", "*.llm-internal.example.com");
        assertThat(ObjectTree.of(SharedListenerRenderer.certificate(settings).orElseThrow()).list("spec.dnsNames"))
                .containsExactly("*.llm.example.com", "*.llm-internal.example.com");
    }

    @Test
    void aProvidedTlsSecretIsReferencedAndNoCertificateIsRendered() {
        var settings = managed(RoutingMode.SHARED, "", "my-llm-tls");

        assertThat(SharedListenerRenderer.certificate(settings)).isEmpty();
        assertThat(SharedListenerRenderer.gateways(settings)).allSatisfy(g ->
                assertThat(ObjectTree.of(g).at("spec.listeners[0].tls.certificateRefs[0].name")).isEqualTo("my-llm-tls"));
    }

    @Test
    void theReleasingApplyNamesTheGatewayAndNothingElse() {
        var release = ObjectTree.of(SharedListenerRenderer.withoutListeners(settings().platform().gateway().external()));

        assertThat(release.root()).containsOnlyKeys("apiVersion", "kind", "metadata");
        assertThat(release.map("metadata")).isEqualTo(Map.of("name", "nebari-gateway", "namespace", "envoy-gateway-system"));
    }
}
