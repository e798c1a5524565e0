package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** The pack's settings bind from the Helm value names, default like the chart, and refuse bad input clearly. */
class PackSettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PackSettings.class)
    static class SettingsOnly {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(SettingsOnly.class);

    @Test
    void bindsHelmValueNamesAndDefaultsLikeTheChart() {
        runner.withPropertyValues(
                        "platform.baseDomain=nebari.example.com",
                        "auth.oidc.issuerURL=https://keycloak.example.com/realms/nebari",
                        "apiKeysNamespace=keys",
                        "defaults.monitoring.enabled=false")
                .run(context -> {
                    var settings = context.getBean(PackSettings.class);
                    assertThat(settings.platform().baseDomain()).isEqualTo("nebari.example.com");
                    assertThat(settings.auth().oidc().issuerURL()).isEqualTo("https://keycloak.example.com/realms/nebari");
                    assertThat(settings.apiKeysNamespace()).isEqualTo("keys");
                    assertThat(settings.defaults().monitoring().enabled()).isFalse();
                    // the seed defaults of the chart
                    assertThat(settings.platform().routing().mode()).isEqualTo(PackSettings.RoutingMode.SHARED);
                    assertThat(settings.platform().gateway().external().name()).isEqualTo("nebari-gateway");
                    assertThat(settings.platform().gateway().external().namespace()).isEqualTo("envoy-gateway-system");
                    assertThat(settings.platform().gateway().internal().name()).isEqualTo("nebari-internal-gateway");
                    assertThat(settings.platform().gateway().internal().namespace()).isEqualTo("envoy-gateway-system");
                    assertThat(settings.auth().oidc().groupsClaim()).isEqualTo("groups");
                    assertThat(settings.defaults().serving().image()).isEqualTo("ghcr.io/llm-d/llm-d-cuda:v0.6.0");
                    assertThat(settings.keyManager().enabled()).isTrue();
                    assertThat(settings.keys().defaultTTL()).isEqualTo(Duration.ofDays(90));
                });
    }

    @Test
    void bindsSubdomainRoutingMode() {
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "platform.routing.mode=subdomain")
                .run(context -> assertThat(context.getBean(PackSettings.class).platform().routing().mode())
                        .isEqualTo(PackSettings.RoutingMode.SUBDOMAIN));
    }

    @Test
    void missingBaseDomainStopsStartUpNamingTheValue() {
        runner.run(context -> assertThat(context).hasFailed().getFailure()
                .rootCause().hasMessageContaining("platform.baseDomain is required"));
    }

    @Test
    void baseDomainWithSchemeIsRejected() {
        runner.withPropertyValues("platform.baseDomain=https://nebari.example.com")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("platform.baseDomain must be a lowercase DNS name"));
    }

    @Test
    void plainHttpIssuerIsRejectedExceptOnLocalhost() {
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "auth.oidc.issuerURL=http://keycloak.example.com")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("auth.oidc.issuerURL must be an https URL"));
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "auth.oidc.issuerURL=http://localhost:9000/realms/x")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void defaultKeyLifetimeLongerThanTheMaximumIsRejected() {
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "keys.defaultTTL=400d", "keys.maxTTL=365d")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("keys.defaultTTL must not exceed keys.maxTTL"));
    }

    @Test
    void keysNamespaceMustBeANamespaceName() {
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "apiKeysNamespace=LLM Keys")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("apiKeysNamespace must be a namespace name"));
    }

    @Test
    void managedListenersNeedExactlyOneCertificateSource() {
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "platform.gateway.manageSharedListeners=true")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("platform.gateway.manageSharedListeners needs exactly one source"));
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "platform.gateway.manageSharedListeners=true",
                        "platform.tls.clusterIssuer=letsencrypt", "platform.tls.secretName=llm-tls")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "platform.gateway.manageSharedListeners=true",
                        "platform.tls.secretName=llm-tls")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("platform.baseDomain=nebari.example.com")
                .run(context -> assertThat(context).as("unmanaged listeners need no certificate").hasNotFailed());
    }

    @Test
    void managedListenersNeedBothGatewaysInOneNamespace() {
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "platform.gateway.manageSharedListeners=true",
                        "platform.tls.clusterIssuer=letsencrypt", "platform.gateway.internal.namespace=internal-gateways")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("needs both Gateways in one namespace"));
    }

    @Test
    void managedListenersOnOneGatewayNeedTwoListenerNames() {
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", "platform.gateway.manageSharedListeners=true",
                        "platform.tls.clusterIssuer=letsencrypt", "platform.gateway.internal.name=nebari-gateway",
                        "platform.gateway.internal.listener=llm-https")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("platform.gateway.internal.listener must differ"));
    }

    @Test
    void bindsTheHubMirrorProxyAndTrustedCaOfModelPods() {
        var pem = dev.nebari.llm.admission.TestCertificateAuthority.issue().caCertificate();
        runner.withPropertyValues("platform.baseDomain=nebari.example.com",
                        "defaults.hub.endpoint=https://artifactory.example.com/api/huggingfaceml/hf",
                        "defaults.proxy.httpsProxy=http://svc:p%40ss@proxy.example.com:3128",
                        "defaults.proxy.noProxy=.svc, .cluster.local,10.0.0.0/8",
                        "defaults.trustedCA.bundle=" + pem)
                .run(context -> {
                    var defaults = context.getBean(PackSettings.class).defaults();
                    assertThat(defaults.hub().endpoint()).isEqualTo("https://artifactory.example.com/api/huggingfaceml/hf");
                    assertThat(defaults.proxy().httpsProxy()).isEqualTo("http://svc:p%40ss@proxy.example.com:3128");
                    assertThat(defaults.proxy().httpProxy()).isEmpty();
                    assertThat(defaults.trustedCA().bundle().strip()).isEqualTo(pem.strip());
                    assertThat(defaults.trustedCA().isConfigured()).isTrue();
                });
        runner.withPropertyValues("platform.baseDomain=nebari.example.com").run(context -> {
            var defaults = context.getBean(PackSettings.class).defaults();
            assertThat(defaults.hub().endpoint()).isEmpty();
            assertThat(defaults.trustedCA().isConfigured()).isFalse();
            assertThat(defaults.trustedCA().configMapKey()).isEqualTo("ca.crt");
        });
    }

    @Test
    void refusesHubProxyAndCaValuesModelPodsCouldNotUse() {
        expectFailure("defaults.hub.endpoint=hf-mirror.example.com", "defaults.hub.endpoint must be the http(s) URL");
        expectFailure("defaults.proxy.httpsProxy=https://proxy.example.com:3128", "defaults.proxy.httpsProxy must be an http:// URL");
        expectFailure("defaults.proxy.httpProxy=http://proxy.example.com:3128/path", "defaults.proxy.httpProxy must be an http:// URL");
        expectFailure("defaults.proxy.noProxy=.svc, my host", "defaults.proxy.noProxy must be a comma-separated list");
        expectFailure("defaults.trustedCA.bundle=not a certificate", "defaults.trustedCA.bundle must be PEM certificates");
        expectFailure("defaults.trustedCA.configMapName=Corp CA", "defaults.trustedCA.configMapName must be a ConfigMap name");
        runner.withPropertyValues("platform.baseDomain=nebari.example.com",
                        "defaults.trustedCA.bundle=" + dev.nebari.llm.admission.TestCertificateAuthority.issue().caCertificate(),
                        "defaults.trustedCA.configMapName=corp-ca")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("set bundle (the operator copies it into each model's namespace) or configMapName"));
    }

    private void expectFailure(String property, String message) {
        runner.withPropertyValues("platform.baseDomain=nebari.example.com", property)
                .run(context -> assertThat(context).as(property).hasFailed().getFailure().rootCause().hasMessageContaining(message));
    }
}
