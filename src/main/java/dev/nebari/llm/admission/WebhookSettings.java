package dev.nebari.llm.admission;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The LLMModel validating webhook. The chart passes the names it chose (templates/configmap.yaml); the defaults
 * match an install named {@code nebari-llm-serving}. Off unless enabled: a local run has no webhook configuration
 * that would call it.
 *
 * @param enabled                serve the webhook (operator profile only)
 * @param port                   HTTPS port, separate from the web port (0: any free port, for tests)
 * @param path                   where AdmissionReviews are posted; the configuration's {@code clientConfig.service.path}
 * @param serviceName            the Service in front of the operator pods; names the serving certificate's DNS SANs
 * @param configurationName      the ValidatingWebhookConfiguration whose {@code caBundle} this app keeps current
 * @param certificateSecretName  Secret (in {@code namespace}) that holds the CA and serving certificate for all replicas
 * @param namespace              the release namespace; default: the pod's
 * @param servingValidity        lifetime of a serving certificate
 * @param servingRenewBefore     renew the serving certificate when less than this remains
 * @param caValidity             lifetime of the CA
 * @param caRenewBefore          renew the CA (and the serving certificate with it) when less than this remains
 * @param checkInterval          how often each replica re-reads the Secret and the leader checks expiry and caBundle
 * @param registerLoopback       register the webhook configuration ourselves, calling {@code https://127.0.0.1:<port>}:
 *                               for an API server on this machine (the local demo), where no chart installs one
 */
@Validated
@ConfigurationProperties("webhook")
public record WebhookSettings(
        @DefaultValue("false") boolean enabled,
        @Min(0) @Max(65535) @DefaultValue("9443") int port,
        @NotBlank @Pattern(regexp = "^/.*", message = "webhook.path must start with /")
        @DefaultValue("/validate-llm-nebari-dev-v1alpha1-llmmodel") String path,
        @NotBlank @DefaultValue("nebari-llm-serving-webhook") String serviceName,
        @NotBlank @DefaultValue("nebari-llm-serving.llm.nebari.dev") String configurationName,
        @NotBlank @DefaultValue("nebari-llm-serving-webhook-cert") String certificateSecretName,
        @Nullable String namespace,
        @NotNull @DefaultValue("90d") Duration servingValidity,
        @NotNull @DefaultValue("30d") Duration servingRenewBefore,
        @NotNull @DefaultValue("1825d") Duration caValidity,
        @NotNull @DefaultValue("365d") Duration caRenewBefore,
        @NotNull @DefaultValue("1m") Duration checkInterval,
        @DefaultValue("false") boolean registerLoopback) {

    /** A serving certificate must be renewed before it expires, and must never outlive the CA that signed it. */
    @AssertTrue(message = "webhook: servingRenewBefore must be shorter than servingValidity, caRenewBefore shorter than "
            + "caValidity, and caRenewBefore longer than servingValidity (a serving certificate must not outlive its CA)")
    public boolean isRotationConsistent() {
        return servingRenewBefore.compareTo(servingValidity) < 0 && caRenewBefore.compareTo(caValidity) < 0
                && caRenewBefore.compareTo(servingValidity) > 0;
    }

    /** The names the API server may use to reach the webhook; the loopback ones serve tests and port-forwards. */
    public List<String> dnsNames(String namespace) {
        return List.of(serviceName, serviceName + "." + namespace, serviceName + "." + namespace + ".svc",
                serviceName + "." + namespace + ".svc.cluster.local", "localhost");
    }
}
