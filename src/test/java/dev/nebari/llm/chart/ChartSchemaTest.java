package dev.nebari.llm.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.chart.ChartRenderer.ChartRenderingException;
import org.junit.jupiter.api.Test;

/** values.schema.json and the templates' `required` turn mistakes into messages that name the value. */
class ChartSchemaTest {

    @Test
    void aMisspeltKeyIsRejectedNamingTheKeyAndWhereItIs() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("platform.routing.mdoe", "subdomain").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/platform/routing")
                .hasMessageContaining("additional properties 'mdoe' not allowed");
    }

    @Test
    void aMisspeltTopLevelKeyIsRejected() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("apiKeyNamespace", "keys").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("additional properties 'apiKeyNamespace' not allowed");
    }

    @Test
    void aWrongTypeIsRejectedNamingTheValueAndTheExpectedType() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("operator.replicas", "two").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/operator/replicas")
                .hasMessageContaining("got string, want integer");
    }

    @Test
    void aStringWhereABooleanBelongsIsRejected() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("keyManager.enabled", "yes").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/keyManager/enabled")
                .hasMessageContaining("want boolean");
    }

    @Test
    void aValueOutsideItsEnumIsRejected() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("platform.routing.mode", "host").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/platform/routing/mode")
                .hasMessageContaining("shared")
                .hasMessageContaining("subdomain");
    }

    @Test
    void aMalformedDurationIsRejected() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("keys.maxTTL", "one year").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/keys/maxTTL");
    }

    @Test
    void aMissingBaseDomainStopsRenderingWithWhatToSet() {
        assertThatThrownBy(() -> ChartRenderer.bare().renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("platform.baseDomain is required")
                .hasMessageContaining("--set platform.baseDomain=");
    }

    @Test
    void aBaseDomainWithASchemeIsRejected() {
        assertThatThrownBy(() -> ChartRenderer.bare().with("platform.baseDomain", "https://nebari.example.com").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/platform/baseDomain");
    }

    @Test
    void theGenericOidcProviderNeedsAnIssuer() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("keyManager.provider", "generic-oidc").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("keyManager.provider generic-oidc needs auth.oidc.issuerURL");
    }

    @Test
    void managedListenersNeedExactlyOneCertificateSource() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("platform.gateway.manageSharedListeners", true).renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("platform.gateway.manageSharedListeners needs exactly one of platform.tls.clusterIssuer");
        assertThatThrownBy(() -> ChartRenderer.installable().with("platform.gateway.manageSharedListeners", true)
                .with("platform.tls.clusterIssuer", "letsencrypt").with("platform.tls.secretName", "llm-tls").renderText())
                .isInstanceOf(ChartRenderingException.class);
    }

    @Test
    void managedListenersNeedBothGatewaysInOneNamespace() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("platform.gateway.manageSharedListeners", true)
                .with("platform.tls.secretName", "llm-tls").with("platform.gateway.internal.namespace", "internal-gateways").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("needs both Gateways in one namespace");
    }

    @Test
    void aProxyUrlWithHttpsIsRejected() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("defaults.proxy.httpsProxy", "https://proxy.example.com:3128").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/defaults/proxy/httpsProxy");
    }

    @Test
    void aHubEndpointWithoutSchemeIsRejected() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("defaults.hub.endpoint", "hf-mirror.example.com").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/defaults/hub/endpoint");
    }

    @Test
    void theTrustedCaComesFromTheBundleOrAConfigMapNotBoth() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("defaults.trustedCA.bundle", "-----BEGIN CERTIFICATE-----\n")
                .with("defaults.trustedCA.configMapName", "corp-ca").renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("defaults.trustedCA: set bundle");
    }

    /** Migration: the predecessor's no-op envoyAIGateway.install is accepted (not a schema error), changes nothing, and NOTES.txt warns. */
    @Test
    void thePredecessorsEnvoyAiGatewayValueIsAcceptedIgnoredAndWarnedAbout() throws java.io.IOException {
        assertThat(ChartRenderer.installable().with("envoyAIGateway.install", true).renderText())
                .isEqualTo(ChartRenderer.installable().renderText());
        assertThat(java.nio.file.Files.readString(ChartRenderer.CHART_DIR.resolve("templates/NOTES.txt")))
                .contains("{{- if .Values.envoyAIGateway }}").contains("envoyAIGateway is a value of the predecessor's chart");
    }

    @Test
    void anExtraEnvVariableTheChartSetsIsRefusedNamingTheJvmOptionsValue() {
        assertThatThrownBy(() -> ChartRenderer.installable()
                .with("portal.extraEnv", java.util.List.of(java.util.Map.of("name", "_JAVA_OPTIONS", "value", "-Xmx1g"))).renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("portal.extraEnv: _JAVA_OPTIONS is set by the chart (for JVM flags use portal.jvmOptions)");
    }

    @Test
    void anImagePullSecretMustBeASecretName() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("imagePullSecrets", java.util.List.of(java.util.Map.of("name", "regcred"))).renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("/imagePullSecrets/0");
    }

    @Test
    void aServiceMonitorAndAPodMonitorTogetherAreRefused() {
        assertThatThrownBy(() -> ChartRenderer.installable().with("metrics.serviceMonitor.enabled", true)
                .with("metrics.podMonitor.enabled", true).renderText())
                .isInstanceOf(ChartRenderingException.class)
                .hasMessageContaining("metrics: enable serviceMonitor or podMonitor, not both");
    }
}
