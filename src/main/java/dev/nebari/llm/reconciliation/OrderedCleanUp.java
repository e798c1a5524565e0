package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.reconciliation.ServerSideApply.describe;
import static dev.nebari.llm.reconciliation.ServerSideApply.reason;

import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.manifests.ChildKind;
import dev.nebari.llm.manifests.ModelManifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what a model or an external provider made and no longer wants ({@link #deleteUnwanted}), and all of it
 * when the owner is deleted ({@link #delete}), in the order that keeps callers from seeing errors: first what
 * exposes it at the gateway, then, once {@code routeDrainDelay} has passed since, everything else (policies, grants,
 * the workload), so the gateway stops routing before the policies and the pods go away. The finalizer is removed by
 * the caller once this says {@link ModelReconciler.Outcome#DELETED}.
 */
final class OrderedCleanUp {

    private static final Logger log = LoggerFactory.getLogger(OrderedCleanUp.class);

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

    /**
     * Deletes objects of the owner that the current spec no longer asks for (a disabled endpoint, removed limits);
     * returns what could not be deleted, as sentences. A withheld object is still wanted, only not renderable now
     * (the OIDC provider did not answer): what exists of it stays as it was, so an unreachable provider or a restart
     * never takes a working endpoint down.
     */
    List<String> deleteUnwanted(ModelRef key, ModelManifests manifests, Map<ChildKind, List<GenericKubernetesResource>> children) {
        return deleteUnwanted(key, manifests, Set.of(), children);
    }

    /** @param alsoWanted identities ({@code Kind/namespace/name}) wanted besides the manifests: those not rendered this pass */
    List<String> deleteUnwanted(ModelRef key, ModelManifests manifests, Set<String> alsoWanted,
            Map<ChildKind, List<GenericKubernetesResource>> children) {
        var wanted = new HashSet<String>(alsoWanted);
        manifests.all().forEach(o -> wanted.add(identity(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName())));
        manifests.withheld().forEach(w -> wanted.add(identity(w.kind(), key.namespace(), w.name())));
        var failures = new ArrayList<String>();
        children.forEach((kind, objects) -> objects.stream()
                .filter(o -> !wanted.contains(identity(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName())))
                .forEach(o -> {
                    log.info("{}: deleting {}, no longer wanted", key, describe(o));
                    try {
                        client.resource(o).delete();
                    } catch (KubernetesClientException e) {
                        failures.add("cannot delete " + describe(o) + ": " + reason(e));
                    }
                }));
        return failures;
    }

    private static String identity(String kind, String namespace, String name) {
        return kind + "/" + namespace + "/" + name;
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
