package dev.nebari.llm.admission;

import dev.nebari.llm.platform.LeaderGate;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PodNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The admission webhook: served by every replica of the {@code operator} profile when {@code webhook.enabled}. */
@Configuration(proxyBeanMethods = false)
@Profile("operator")
@ConditionalOnProperty(prefix = "webhook", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(WebhookSettings.class)
class AdmissionConfiguration {

    @Bean
    ReloadingKeyManager webhookKeyManager() {
        return new ReloadingKeyManager();
    }

    @Bean
    CertificateRotation webhookCertificateRotation(KubernetesClient client, WebhookSettings settings,
            ReloadingKeyManager keyManager, LeaderGate leader) {
        var namespace = settings.namespace() != null ? settings.namespace() : PodNamespace.current();
        return new CertificateRotation(new CertificateSecret(client, namespace, settings.certificateSecretName()),
                new CaBundlePublisher(client, settings.configurationName()), keyManager, settings, namespace,
                leader::isLeader, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnProperty(prefix = "webhook", name = "register-loopback", havingValue = "true")
    LoopbackRegistration loopbackWebhookRegistration(KubernetesClient client, WebhookSettings settings,
            AdmissionWebhookServer server, CertificateRotation certificates) {
        return new LoopbackRegistration(client, settings, server, certificates);
    }

    @Bean
    ApiServerLookup admissionLookup(KubernetesClient client) {
        return new ApiServerLookup(client);
    }

    @Bean
    AdmissionWebhookServer admissionWebhookServer(KubernetesClient client, WebhookSettings settings, PackSettings pack,
            ReloadingKeyManager keyManager, ApiServerLookup lookup, MeterRegistry meters) {
        return new AdmissionWebhookServer(settings, keyManager, new AdmissionReviewer(new AdmissionRules(pack),
                lookup, client.getKubernetesSerialization(), meters));
    }
}
