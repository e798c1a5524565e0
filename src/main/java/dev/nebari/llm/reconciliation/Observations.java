package dev.nebari.llm.reconciliation;

import dev.nebari.llm.manifests.ChildKind;
import dev.nebari.llm.gateway.GatewayRenderer.Withheld;
import dev.nebari.llm.model.DownloadStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one reconcile pass saw of a model's objects, as the status aggregator needs it.
 *
 * @param missingKinds  child kinds whose CRD is not installed (their objects were not applied)
 * @param workload      the vLLM Deployment, if it exists (its metadata and status: what status aggregation reads)
 * @param picker        the endpoint picker Deployment, if it exists (the same)
 * @param modelPods     the vLLM pods
 * @param pickerPods    the endpoint picker pods
 * @param externalRoute the external AIGatewayRoute, if rendered and present
 * @param internalRoute the internal AIGatewayRoute, if rendered and present
 * @param policies      the SecurityPolicies and BackendTrafficPolicy that were rendered, as observed (absent ones
 *                      are left out)
 * @param expectedPolicies how many policies were rendered
 * @param withheld      objects the renderer could not produce yet, with the reason
 * @param applyError    why applying failed in this pass, if it did
 * @param download      the running download's progress, if one runs and reported any
 * @param claimTaken    why the model has no routes because an older model holds its id or subdomain, if so
 */
record Observations(
        Set<ChildKind> missingKinds,
        @Nullable Deployment workload,
        @Nullable Deployment picker,
        List<Pod> modelPods,
        List<Pod> pickerPods,
        @Nullable GenericKubernetesResource externalRoute,
        @Nullable GenericKubernetesResource internalRoute,
        List<GenericKubernetesResource> policies,
        int expectedPolicies,
        List<Withheld> withheld,
        @Nullable String applyError,
        @Nullable DownloadStatus download,
        @Nullable String claimTaken) {

    Observations {
        missingKinds = Set.copyOf(missingKinds);
        modelPods = List.copyOf(modelPods);
        pickerPods = List.copyOf(pickerPods);
        policies = List.copyOf(policies);
        withheld = List.copyOf(withheld);
    }
}
