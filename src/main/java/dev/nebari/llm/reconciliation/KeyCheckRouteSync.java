package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.gateway.GatewayFacts.AI_GATEWAY_ROUTE_API_VERSION;
import static dev.nebari.llm.gateway.GatewayFacts.AI_GATEWAY_ROUTE_KIND;
import static dev.nebari.llm.gateway.GatewayFacts.ENVOY_GATEWAY_API_VERSION;
import static dev.nebari.llm.gateway.GatewayFacts.SECURITY_POLICY_KIND;

import dev.nebari.llm.gateway.KeyCheckRouteRenderer;
import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the pack's API-key check route ({@link KeyCheckRouteRenderer}): in shared routing mode with the
 * key manager on, applies the route and its policy (listing every key Secret) where they differ from what is in
 * place; otherwise removes what an earlier configuration left. Writes nothing when all is in place. A pass after a
 * key change that left the set of key Secrets as the last successful pass put it in place costs nothing at all
 * ({@link #run(boolean)}): most key changes only change a Secret's content, and reading and comparing the route's
 * policy, which lists every Secret (3,000 at 3,000 models), after each of them cost the operator and the API server
 * more than the change itself; a full pass reads and compares (at start and periodically, see
 * {@link KeyCheckRouteController}).
 */
final class KeyCheckRouteSync {

    private static final Logger log = LoggerFactory.getLogger(KeyCheckRouteSync.class);

    private final KubernetesClient client;
    private final PackSettings settings;
    private final @Nullable KeyCredentials keys;
    private final AtomicReference<@Nullable String> problem = new AtomicReference<>();
    /** The key Secrets the route's policy lists since the last successful pass; null before one, or after a failure. */
    private volatile @Nullable List<String> inPlace;

    KeyCheckRouteSync(KubernetesClient client, PackSettings settings, @Nullable KeyCredentials keys) {
        this.client = client;
        this.settings = settings;
        this.keys = keys;
    }

    /** A full pass: reads, compares and applies what differs. */
    void run() {
        run(true);
    }

    /**
     * @param full read and compare even when the key Secrets are the ones the last successful pass put in place
     *             (a hand edit of the route or its policy is only seen by a full pass)
     */
    void run(boolean full) {
        try {
            if (KeyCheckRouteRenderer.isWanted(settings) && keys != null) {
                keys.awaitListed(AccessInputsSource.KEYS_LISTED);
                var secrets = keys.allCredentialSecretNames();
                if (!full && secrets.equals(inPlace)) {
                    return;
                }
                inPlace = null;
                for (var desired : KeyCheckRouteRenderer.render(settings, secrets)) {
                    keep(desired);
                }
                inPlace = secrets;
            } else {
                inPlace = null;
                removeLeftovers();
            }
            resolved();
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            report(e.getCode() == 404
                    ? "the AI Gateway or Envoy Gateway CRDs are not installed; API keys are checked once they are"
                    : "cannot apply " + KeyCheckRouteRenderer.NAME + " in " + settings.apiKeysNamespace() + ": "
                            + ServerSideApply.reason(e));
        }
    }

    private void keep(GenericKubernetesResource desired) {
        var observed = find(desired.getApiVersion(), desired.getKind());
        if (observed != null && DesiredStateComparison.isSatisfiedBy(client.getKubernetesSerialization(), desired, observed)) {
            return;
        }
        ServerSideApply.apply(client, desired, ModelReconciler.FIELD_MANAGER);
        log.info("Applied {} {}/{}", desired.getKind(), settings.apiKeysNamespace(), KeyCheckRouteRenderer.NAME);
    }

    private void removeLeftovers() {
        for (var kind : List.of(List.of(AI_GATEWAY_ROUTE_API_VERSION, AI_GATEWAY_ROUTE_KIND),
                List.of(ENVOY_GATEWAY_API_VERSION, SECURITY_POLICY_KIND))) {
            GenericKubernetesResource observed;
            try {
                observed = find(kind.get(0), kind.get(1));
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    continue; // the CRD is not installed, so neither is a leftover
                }
                throw e;
            }
            var labels = observed == null ? null : observed.getMetadata().getLabels();
            if (labels != null && ModelObjects.PACK.equals(labels.get(ModelObjects.MANAGED_BY))) {
                client.resource(observed).delete();
                log.info("Deleted {} {}/{}: API keys are checked per model in this configuration", kind.get(1),
                        settings.apiKeysNamespace(), KeyCheckRouteRenderer.NAME);
            }
        }
    }

    private @Nullable GenericKubernetesResource find(String apiVersion, String kind) {
        return client.genericKubernetesResources(apiVersion, kind).inNamespace(settings.apiKeysNamespace())
                .withName(KeyCheckRouteRenderer.NAME).get();
    }

    /** What went wrong in the last pass, or null; for tests and diagnostics. */
    @Nullable String problem() {
        return problem.get();
    }

    private void report(String message) {
        if (!message.equals(problem.getAndSet(message))) {
            log.warn("API-key check route: {}", message);
        }
    }

    private void resolved() {
        if (problem.getAndSet(null) != null) {
            log.info("API-key check route: resolved");
        }
    }
}
