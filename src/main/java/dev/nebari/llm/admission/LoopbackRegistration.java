package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the webhook with an API server on this machine, which reaches it at {@code https://127.0.0.1:<port>}:
 * the local demo's embedded cluster has no chart to install the configuration, and without it two models could
 * claim one id there unchecked. The configuration is what the chart renders, with a URL instead of a Service and
 * the CA bundle filled in at once (so the first LLMModel write is already checked). Removed again on stop, so that
 * a stopped demo leaves no webhook that refuses every LLMModel write.
 */
final class LoopbackRegistration implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LoopbackRegistration.class);

    private final KubernetesClient client;
    private final WebhookSettings settings;
    private final AdmissionWebhookServer server;
    private final CertificateRotation certificates;
    private volatile boolean registered;

    LoopbackRegistration(KubernetesClient client, WebhookSettings settings, AdmissionWebhookServer server,
            CertificateRotation certificates) {
        this.client = client;
        this.settings = settings;
        this.server = server;
        this.certificates = certificates;
    }

    @Override
    public void start() {
        var caBundle = certificates.caBundle().orElseThrow(() ->
                new IllegalStateException("the webhook certificates do not exist; cannot register the webhook"));
        var url = "https://127.0.0.1:" + server.port() + settings.path();
        client.resource(configuration(url, caBundle)).forceConflicts().serverSideApply();
        registered = true;
        log.info("Registered the LLMModel admission webhook at {} (webhook.registerLoopback)", url);
    }

    ValidatingWebhookConfiguration configuration(String url, String caBundle) {
        return new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(settings.configurationName()).endMetadata()
                .addNewWebhook()
                .withName(CaBundlePublisher.WEBHOOK_NAME)
                .withAdmissionReviewVersions("v1")
                .withNewClientConfig()
                .withUrl(url)
                .withCaBundle(Base64.getEncoder().encodeToString(caBundle.getBytes(StandardCharsets.UTF_8)))
                .endClientConfig()
                .addNewRule()
                // As the chart's: external providers (PassthroughModel) are reviewed too.
                .withApiGroups(LLMModel.GROUP).withApiVersions(LLMModel.VERSION)
                .withResources(LLMModel.PLURAL, dev.nebari.llm.model.PassthroughModel.PLURAL)
                .withOperations("CREATE", "UPDATE").withScope("Namespaced")
                .endRule()
                .withMatchConditions(WebhookMatch.conditions())
                .withFailurePolicy("Fail")
                .withSideEffects("None")
                .withTimeoutSeconds(10)
                .endWebhook()
                .build();
    }

    @Override
    public void stop() {
        if (!registered) {
            return;
        }
        registered = false;
        try {
            client.admissionRegistration().v1().validatingWebhookConfigurations().withName(settings.configurationName())
                    .delete();
        } catch (KubernetesClientException e) {
            log.warn("Could not remove the loopback webhook registration: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return registered;
    }

    /** After the webhook server (phase 0) listens, before the application reports ready. */
    @Override
    public int getPhase() {
        return 10;
    }
}
