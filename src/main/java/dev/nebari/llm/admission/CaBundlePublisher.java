package dev.nebari.llm.admission;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code caBundle} of our entry in the ValidatingWebhookConfiguration equal to the CAs the API server must
 * trust. It reads first and writes only on a difference, and then patches only that one field: the rest of the
 * configuration belongs to the chart (and to Helm's or ArgoCD's field ownership).
 */
final class CaBundlePublisher {

    /** The webhook's name in the chart's configuration (templates/validatingwebhookconfiguration.yaml). */
    static final String WEBHOOK_NAME = "llmmodels.llm.nebari.dev";

    private static final Logger log = LoggerFactory.getLogger(CaBundlePublisher.class);

    private final KubernetesClient client;
    private final String configurationName;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    /** What was last reported as missing, so a check every minute does not repeat the same warning. */
    private volatile String reportedMissing = "";

    CaBundlePublisher(KubernetesClient client, String configurationName) {
        this.client = client;
        this.configurationName = configurationName;
    }

    /** Makes the caBundle {@code pem}; true when it had to be written. */
    boolean publish(String pem) {
        var resource = client.admissionRegistration().v1().validatingWebhookConfigurations().withName(configurationName);
        var configuration = resource.get();
        if (configuration == null) {
            reportOnce("configuration", "ValidatingWebhookConfiguration " + configurationName
                    + " does not exist; the caBundle is published once it does");
            return false;
        }
        var webhooks = configuration.getWebhooks();
        for (int index = 0; index < webhooks.size(); index++) {
            var webhook = webhooks.get(index);
            if (!WEBHOOK_NAME.equals(webhook.getName())) {
                continue;
            }
            reportedMissing = "";
            var wanted = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
            if (wanted.equals(webhook.getClientConfig().getCaBundle())) {
                return false;
            }
            // The test operation makes the patch fail rather than hit another entry if the list changed meanwhile.
            var patch = List.of(
                    Map.of("op", "test", "path", "/webhooks/" + index + "/name", "value", WEBHOOK_NAME),
                    Map.of("op", "add", "path", "/webhooks/" + index + "/clientConfig/caBundle", "value", wanted));
            resource.patch(PatchContext.of(PatchType.JSON), serialization.asJson(patch));
            log.info("Published the webhook CA bundle to {}", configurationName);
            return true;
        }
        reportOnce("webhook", "ValidatingWebhookConfiguration " + configurationName + " has no webhook named "
                + WEBHOOK_NAME + "; not publishing the caBundle");
        return false;
    }

    private void reportOnce(String what, String message) {
        if (!what.equals(reportedMissing)) {
            reportedMissing = what;
            log.warn(message);
        }
    }
}
