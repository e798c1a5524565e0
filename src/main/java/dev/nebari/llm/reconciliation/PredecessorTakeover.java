package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.model.ModelEventReason.PredecessorObjectRemoved;
import static dev.nebari.llm.model.ModelEventReason.PredecessorObjectReplaced;
import static dev.nebari.llm.model.ModelEventReason.PredecessorObjectTakenOver;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.ModelEventRecorder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Go predecessor of this pack (its operator labels objects {@code app.kubernetes.io/managed-by:
 * nebari-llm-operator}) used the same LLMModel kind and many of the same object names. When a model it served comes
 * under this operator, the objects it left at our names are not someone else's (which we never touch): they are the
 * model's own, made by the old operator. Deployments are replaced, because their selectors differ and cannot change;
 * everything else is taken over by the apply that follows (its PVC keeps the downloaded weights, which the downloader
 * verifies and keeps). Objects only the predecessor made are removed: its SecurityPolicies would guard our routes a
 * second time, its ServiceAccount and NetworkPolicy would linger. Each step is an Event on the model. Its API-key
 * Secrets are left alone for the admin to import (docs/migration.md).
 *
 * <p>An object is the predecessor's object of this model when it carries the predecessor's manager label and this
 * model's name, or (the predecessor's unlabelled PVC) when this very LLMModel (same uid) controls it.
 */
final class PredecessorTakeover {

    static final String PREDECESSOR = "nebari-llm-operator";
    private static final Logger log = LoggerFactory.getLogger(PredecessorTakeover.class);

    /** What happens to a predecessor's object found under one of our names. */
    record Takeover(HasMetadata existing, boolean replace) {
    }

    /** An object only the predecessor made: kind and the name it gave it. */
    private record Leftover(String apiVersion, String kind, String name) {
    }

    private final KubernetesClient client;
    private final ModelEventRecorder events;

    PredecessorTakeover(KubernetesClient client, ModelEventRecorder events) {
        this.client = client;
        this.events = events;
    }

    /** The takeover of {@code existing}, found where we render an object for {@code model}; empty if it is not the predecessor's. */
    static Optional<Takeover> of(LLMModel model, HasMetadata existing) {
        var meta = existing.getMetadata();
        if (!model.getMetadata().getNamespace().equals(meta.getNamespace())) {
            return Optional.empty();
        }
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        var labelled = PREDECESSOR.equals(labels.get(ModelObjects.MANAGED_BY))
                && model.getMetadata().getName().equals(labels.get(ModelObjects.MODEL));
        var controlledByThisModel = meta.getOwnerReferences() != null && meta.getOwnerReferences().stream()
                .anyMatch(owner -> Boolean.TRUE.equals(owner.getController()) && LLMModel.KIND.equals(owner.getKind())
                        && model.getMetadata().getUid() != null && model.getMetadata().getUid().equals(owner.getUid()))
                && !ModelObjects.PACK.equals(labels.get(ModelObjects.MANAGED_BY));
        if (!labelled && !controlledByThisModel) {
            return Optional.empty();
        }
        return Optional.of(new Takeover(existing, "Deployment".equals(existing.getKind())));
    }

    /**
     * Clears the way for the apply of the model's objects: deletes the Deployments to be replaced (at once, their
     * pods follow in the background) and the objects only the predecessor made, recording each on the model.
     */
    void prepare(LLMModel model, List<Takeover> takeovers) {
        for (var takeover : takeovers) {
            var existing = takeover.existing();
            var what = existing.getKind() + " " + existing.getMetadata().getName();
            if (takeover.replace()) {
                client.resource(existing).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                events.record(model, PredecessorObjectReplaced, "Replaced the predecessor's " + what
                        + " (a Deployment's selector cannot change); its pods give way to the new ones");
            } else {
                events.record(model, PredecessorObjectTakenOver, "Took over the predecessor's " + what);
            }
            log.info("{}/{}: {} the predecessor's {}", model.getMetadata().getNamespace(), model.getMetadata().getName(),
                    takeover.replace() ? "replacing" : "taking over", what);
        }
        var name = model.getMetadata().getName();
        for (var leftover : List.of(
                new Leftover("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy", name + "-external-auth"),
                new Leftover("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy", name + "-internal-auth"),
                new Leftover("v1", "ServiceAccount", name + "-sa"),
                new Leftover("networking.k8s.io/v1", "NetworkPolicy", name + "-deny-direct"))) {
            removeIfThePredecessors(model, leftover);
        }
    }

    private void removeIfThePredecessors(LLMModel model, Leftover leftover) {
        try {
            var resource = client.genericKubernetesResources(leftover.apiVersion(), leftover.kind())
                    .inNamespace(model.getMetadata().getNamespace()).withName(leftover.name());
            var found = resource.get();
            if (found == null || of(model, found).isEmpty()) {
                return;
            }
            resource.delete();
            events.record(model, PredecessorObjectRemoved, "Removed the predecessor's " + leftover.kind() + " "
                    + leftover.name() + " (this pack does not use it)");
        } catch (KubernetesClientException e) {
            // a kind that is not installed, or not ours to read: nothing of the predecessor's to remove there
            log.debug("looking for the predecessor's {} {}: {}", leftover.kind(), leftover.name(), e.getMessage());
        }
    }
}
