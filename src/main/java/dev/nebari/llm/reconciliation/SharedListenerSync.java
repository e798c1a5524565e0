package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.gateway.GatewayFacts.CERTIFICATE_API_VERSION;
import static dev.nebari.llm.gateway.GatewayFacts.CERTIFICATE_CRD;
import static dev.nebari.llm.gateway.GatewayFacts.CERTIFICATE_KIND;
import static dev.nebari.llm.gateway.GatewayFacts.GATEWAY_API_VERSION;
import static dev.nebari.llm.gateway.GatewayFacts.GATEWAY_CRD;
import static dev.nebari.llm.gateway.GatewayFacts.GATEWAY_KIND;
import static dev.nebari.llm.reconciliation.ServerSideApply.describe;
import static dev.nebari.llm.reconciliation.ServerSideApply.reason;

import dev.nebari.llm.gateway.SharedListenerRenderer;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.GatewayRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the pack's shared listeners and their Certificate: with {@code manageSharedListeners} on, puts the
 * pack's listener entries on the configured Gateways and keeps the Certificate (or none, when the user provides
 * the TLS Secret); with it off, takes back what this field manager still owns from an earlier run.
 *
 * <p>Writes only what differs, so a pass over what is in place costs reads only. Nothing here creates a Gateway:
 * a missing Gateway or a missing CRD is reported (logged when it starts and when it is resolved) and the next
 * pass tries again.
 */
final class SharedListenerSync {

    private static final Logger log = LoggerFactory.getLogger(SharedListenerSync.class);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** Not the reconciler's manager: this one owns exactly the pack's listener entries and nothing else of a Gateway. */
    static final String FIELD_MANAGER = "nebari-llm-serving-listeners";

    private final KubernetesClient client;
    private final PackSettings settings;
    /** What is wrong now, by subject; a subject's problem is logged when it appears or changes, not on every pass. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    SharedListenerSync(KubernetesClient client, PackSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    boolean manages() {
        return settings.platform().gateway().manageSharedListeners();
    }

    void run() {
        if (manages()) {
            SharedListenerRenderer.gateways(settings).forEach(this::keepListeners);
            keepCertificate();
        } else {
            distinctGateways().forEach(this::releaseListeners);
            removeCertificate(true);
        }
    }

    /** The problems of the last pass by subject (a Gateway, the Certificate), for tests and diagnostics. */
    Map<String, String> problems() {
        return Map.copyOf(problems);
    }

    private void keepListeners(GenericKubernetesResource desired) {
        var subject = describe(desired);
        if (!crdInstalled(GATEWAY_CRD)) {
            report(subject, "the Gateway API CRD " + GATEWAY_CRD + " is not installed; the pack's listeners wait for it");
            return;
        }
        var observed = gateway(desired.getMetadata().getNamespace(), desired.getMetadata().getName());
        if (observed == null) {
            report(subject, subject + " does not exist: the operator adds its listeners to an existing Gateway and "
                    + "never creates one (create it, e.g. from examples/gateways.yaml, or fix platform.gateway.*)");
            return;
        }
        var wanted = SharedListenerRenderer.listeners(desired);
        var present = SharedListenerRenderer.listeners(observed);
        var inPlace = wanted.entrySet().stream()
                .allMatch(listener -> DesiredStateComparison.isSatisfiedBy(listener.getValue(), present.get(listener.getKey())))
                // entries this manager owns but no longer wants (a renamed listener) go with the next apply
                && wanted.keySet().containsAll(ownedListeners(observed));
        if (!inPlace) {
            try {
                ServerSideApply.apply(client, desired, FIELD_MANAGER);
                log.info("Applied listeners {} to {}", wanted.keySet(), subject);
            } catch (KubernetesClientException e) {
                stopIfInterrupted(e);
                report(subject, "cannot apply listeners " + wanted.keySet() + " to " + subject + ": " + reason(e));
                return;
            }
        }
        resolved(subject, "listeners " + wanted.keySet() + " are in place on " + subject);
    }

    private void releaseListeners(GatewayRef ref) {
        var subject = "Gateway " + ref.namespace() + "/" + ref.name();
        if (!crdInstalled(GATEWAY_CRD)) {
            return;
        }
        var observed = gateway(ref.namespace(), ref.name());
        var owned = observed == null ? Set.<String>of() : ownedListeners(observed);
        if (owned.isEmpty()) {
            return;
        }
        try {
            ServerSideApply.apply(client, SharedListenerRenderer.withoutListeners(ref), FIELD_MANAGER);
            log.info("platform.gateway.manageSharedListeners is off: removed listeners {} from {}", owned, subject);
            resolved(subject, "no listeners of the pack left on " + subject);
        } catch (KubernetesClientException e) {
            stopIfInterrupted(e);
            var hint = e.getCode() == 403
                    ? " (the chart grants patch on the Gateways only while the value is on); remove them by hand: "
                            + "kubectl edit gateway -n " + ref.namespace() + " " + ref.name()
                    : e.getCode() == 422 ? " (a Gateway needs at least one listener and these are its only ones)" : "";
            report(subject, "platform.gateway.manageSharedListeners is off but listeners " + owned + " that the "
                    + "operator added are still on " + subject + ": " + reason(e) + hint);
        }
    }

    private void keepCertificate() {
        var wanted = SharedListenerRenderer.certificate(settings);
        if (wanted.isEmpty()) {
            // the user provides the TLS Secret: a Certificate left from an issuer-based setup would renew one nothing uses
            removeCertificate(false);
            return;
        }
        var desired = wanted.get();
        var subject = describe(desired);
        if (!crdInstalled(CERTIFICATE_CRD)) {
            report(subject, "cert-manager's CRD " + CERTIFICATE_CRD + " is not installed: install cert-manager or set "
                    + "platform.tls.secretName to a TLS Secret in " + desired.getMetadata().getNamespace());
            return;
        }
        var observed = certificate(desired.getMetadata().getNamespace());
        if (observed == null || !DesiredStateComparison.isSatisfiedBy(client.getKubernetesSerialization(), desired, observed)) {
            try {
                ServerSideApply.apply(client, desired, FIELD_MANAGER);
                log.info("Applied {} for {}", subject, GenericResources.spec(desired).get("dnsNames"));
            } catch (KubernetesClientException e) {
                stopIfInterrupted(e);
                report(subject, "cannot apply " + subject + ": " + reason(e));
                return;
            }
        }
        resolved(subject, subject + " is in place");
    }

    /**
     * Deletes the pack's Certificate if there is one. Without {@code manageSharedListeners} the chart grants no
     * access to Certificates at all, so "forbidden" then only means there is nothing the operator could have made.
     */
    private void removeCertificate(boolean forbiddenIsExpected) {
        var namespace = SharedListenerRenderer.certificateNamespace(settings);
        var subject = "Certificate " + namespace + "/" + SharedListenerRenderer.CERTIFICATE_NAME;
        try {
            if (!crdInstalled(CERTIFICATE_CRD)) {
                return;
            }
            var observed = certificate(namespace);
            if (observed == null || !ModelObjects.PACK.equals(labels(observed).get(ModelObjects.MANAGED_BY))) {
                return;
            }
            client.resource(observed).delete();
            log.info("Deleted {}: the listeners use {} now", subject,
                    manages() ? "the TLS Secret " + SharedListenerRenderer.tlsSecretName(settings) : "nothing of the pack");
        } catch (KubernetesClientException e) {
            stopIfInterrupted(e);
            if (e.getCode() == 403 && forbiddenIsExpected) {
                log.debug("Cannot look for a leftover {}: {}", subject, reason(e));
                return;
            }
            report(subject, "cannot remove " + subject + ": " + reason(e));
        }
    }

    /** Names of the listener entries this field manager owns, read from the Gateway's managedFields. */
    static Set<String> ownedListeners(HasMetadata gateway) {
        var names = new LinkedHashSet<String>();
        var entries = gateway.getMetadata().getManagedFields();
        if (entries == null) {
            return names;
        }
        for (var entry : entries) {
            if (!FIELD_MANAGER.equals(entry.getManager()) || entry.getFieldsV1() == null) {
                continue;
            }
            var spec = entry.getFieldsV1().getAdditionalProperties().get("f:spec");
            if (spec instanceof Map<?, ?> specFields && specFields.get("f:listeners") instanceof Map<?, ?> listeners) {
                for (var key : listeners.keySet()) {
                    // list-map items are keyed like k:{"name":"llm-https"}
                    var text = String.valueOf(key);
                    if (text.startsWith("k:")) {
                        var item = JSON.unmarshal(text.substring(2), Map.class);
                        if (item.get("name") instanceof String name) {
                            names.add(name);
                        }
                    }
                }
            }
        }
        return names;
    }

    private List<GatewayRef> distinctGateways() {
        var byKey = new LinkedHashMap<String, GatewayRef>();
        var gateways = settings.platform().gateway();
        for (GatewayRef ref : List.<GatewayRef>of(gateways.external(), gateways.internal())) {
            byKey.putIfAbsent(ref.namespace() + "/" + ref.name(), ref);
        }
        return List.copyOf(byKey.values());
    }

    private boolean crdInstalled(String name) {
        return client.apiextensions().v1().customResourceDefinitions().withName(name).get() != null;
    }

    private @Nullable GenericKubernetesResource gateway(String namespace, String name) {
        return client.genericKubernetesResources(GATEWAY_API_VERSION, GATEWAY_KIND).inNamespace(namespace).withName(name).get();
    }

    private @Nullable GenericKubernetesResource certificate(String namespace) {
        return client.genericKubernetesResources(CERTIFICATE_API_VERSION, CERTIFICATE_KIND).inNamespace(namespace)
                .withName(SharedListenerRenderer.CERTIFICATE_NAME).get();
    }

    /** Leadership ended while a request was in flight: not a problem of the listeners, so nothing to report. */
    private static void stopIfInterrupted(KubernetesClientException e) {
        if (Thread.currentThread().isInterrupted()) {
            throw e;
        }
    }

    private void report(String subject, String problem) {
        if (!problem.equals(problems.put(subject, problem))) {
            log.warn("Shared listeners: {}", problem);
        }
    }

    private void resolved(String subject, String state) {
        if (problems.remove(subject) != null) {
            log.info("Shared listeners: resolved, {}", state);
        }
    }

    private static Map<String, String> labels(HasMetadata object) {
        var labels = object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }
}
