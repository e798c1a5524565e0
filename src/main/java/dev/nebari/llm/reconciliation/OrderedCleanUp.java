package dev.nebari.llm.reconciliation;

import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.manifests.ChildKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deletes what a model or an external provider made, in the order that keeps callers from seeing errors: first what
 * exposes it at the gateway, then, once {@code routeDrainDelay} has passed since, everything else (policies, grants,
 * the workload), so the gateway stops routing before the policies and the pods go away. The finalizer is removed by
 * the caller once this says {@link ModelReconciler.Outcome#DELETED}.
 */
final class OrderedCleanUp {

    private final KubernetesClient client;
    private final Duration routeDrainDelay;
    private final Clock clock;
    /** When each deleted owner's exposing objects were first found gone or being removed. */
    private final Map<ModelRef, Instant> drainingSince = new ConcurrentHashMap<>();

    OrderedCleanUp(KubernetesClient client, Duration routeDrainDelay, Clock clock) {
        this.client = client;
        this.routeDrainDelay = routeDrainDelay;
        this.clock = clock;
    }

    /** DRAINING while the exposing objects are going or the delay runs; then deletes the rest: DELETED. */
    ModelReconciler.Outcome delete(ModelRef key, Map<ChildKind, List<GenericKubernetesResource>> children, Set<ChildKind> exposingKinds) {
        var exposing = children.entrySet().stream().filter(e -> exposingKinds.contains(e.getKey()))
                .flatMap(e -> e.getValue().stream()).toList();
        exposing.forEach(this::deleteIfPresent);
        if (!routeDrainDelay.isZero()) {
            var since = drainingSince.computeIfAbsent(key, k -> clock.instant());
            if (!exposing.isEmpty() || clock.instant().isBefore(since.plus(routeDrainDelay))) {
                return ModelReconciler.Outcome.DRAINING;
            }
        }
        children.forEach((kind, objects) -> objects.forEach(this::deleteIfPresent));
        drainingSince.remove(key);
        return ModelReconciler.Outcome.DELETED;
    }

    /** Deletes the object; one that is already gone is fine. */
    void deleteIfPresent(HasMetadata object) {
        try {
            client.resource(object).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
