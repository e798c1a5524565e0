package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.reconciliation.ServerSideApply.describe;
import static dev.nebari.llm.reconciliation.ServerSideApply.reason;

import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.manifests.ChildKind;
import dev.nebari.llm.manifests.DesiredState;
import dev.nebari.llm.manifests.Manifest;
import dev.nebari.llm.manifests.ModelManifests;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.model.ProviderClaims;
import dev.nebari.llm.model.PassthroughModelStatus;
import dev.nebari.llm.model.ModelEventReason;
import dev.nebari.llm.platform.ModelEventRecorder;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.reconciliation.ModelReconciler.Outcome;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile pass for one external provider ({@link PassthroughModel}), the way {@link ModelReconciler} does a
 * model's: observe from the caches, render, server-side apply what differs under the same field manager and hash
 * annotation (so steady state costs no write), delete what is no longer wanted, write the status if it changed; on
 * deletion the routes go first and everything else after the drain delay. The credential Secret is never read.
 *
 * <p>Which model ids it routes: those it lists, minus those an LLMModel serves (the local model wins: the admin
 * runs it for a reason, and admission refuses the collision up front) and minus those an older PassthroughModel
 * lists (the older one keeps them, as among LLMModels). Status names the ids left out.
 */
final class PassthroughReconciler {

    private static final Logger log = LoggerFactory.getLogger(PassthroughReconciler.class);
    private final KubernetesClient client;
    private final ClusterView view;
    private final DesiredState desired;
    private final PassthroughStatusAggregator aggregator;
    private final Predicate<String> managedNamespace;
    private final KubernetesSerialization serialization;
    private final ModelEventRecorder events;
    private final OrderedCleanUp cleanUp;

    PassthroughReconciler(KubernetesClient client, ClusterView view, PackSettings settings, DesiredState desired,
            PassthroughStatusAggregator aggregator, ModelEventRecorder events, Duration routeDrainDelay, Clock clock,
            Predicate<String> managedNamespace) {
        this.client = client;
        this.events = events;
        this.view = view;
        this.desired = desired;
        this.aggregator = aggregator;
        this.cleanUp = new OrderedCleanUp(client, routeDrainDelay, clock);
        this.managedNamespace = managedNamespace;
        this.serialization = client.getKubernetesSerialization();
    }

    Outcome reconcile(ModelRef key, PassthroughModel model) {
        if (model.getMetadata().getDeletionTimestamp() != null) {
            return cleanUp(key, model);
        }
        if (!managedNamespace.test(key.namespace())) {
            writeStatusIfChanged(model, aggregator.notManaged(model));
            return Outcome.SKIPPED;
        }
        model = ensureFinalizer(model);

        var claimed = claimedElsewhere(model);
        var manifests = desired.of(model, claimed);
        var missing = EnumSet.noneOf(ChildKind.class);
        var applied = new HashMap<String, HasMetadata>();
        var failures = apply(key, manifests, missing, applied);
        if (failures.isEmpty()) {
            failures = deleteUnwanted(key, manifests);
        }
        var applyError = failures.isEmpty() ? null : String.join("; ", failures);
        var listed = model.getSpec().models().ids();
        var routed = listed.stream().filter(id -> !claimed.contains(id)).distinct().toList();
        var leftOut = listed.stream().filter(claimed::contains).distinct().toList();
        var status = aggregator.aggregate(model, observe(manifests, missing, applied, applyError),
                observedProvider(manifests, applied), routed, leftOut);
        writeStatusIfChanged(model, status);
        if (applyError != null) {
            throw new ModelReconciler.ReconcileException(applyError);
        }
        return PassthroughStatusAggregator.isReady(status) ? Outcome.READY : Outcome.NOT_READY;
    }

    /** Ids this provider must leave alone: every LLMModel's, and those of older providers. */
    private Set<String> claimedElsewhere(PassthroughModel model) {
        return ProviderClaims.claimedElsewhere(model, view.allModelObjects(), view.allPassthroughObjects(), managedNamespace);
    }

    private List<String> apply(ModelRef key, ModelManifests manifests, Set<ChildKind> missing, Map<String, HasMetadata> applied) {
        var changes = new ArrayList<HasMetadata>();
        var conflicts = new ArrayList<String>();
        for (var manifest : manifests.manifests()) {
            var object = manifest.object();
            if (!view.installed(manifest.kind())) {
                missing.add(manifest.kind());
                continue;
            }
            ModelReconciler.stampHash(serialization, object);
            var observed = view.child(manifest.kind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
            if (observed.isPresent() && DesiredStateComparison.isSatisfiedBy(serialization, object, observed.get())) {
                continue;
            }
            if (observed.isEmpty()) {
                foreignObjectAt(key, object).ifPresent(conflicts::add);
            }
            changes.add(object);
        }
        if (!conflicts.isEmpty()) {
            return conflicts;
        }
        var failures = new ArrayList<String>();
        for (var object : changes) {
            try {
                applied.put(identity(object), view.write(object, () -> ServerSideApply.apply(client, object, ModelReconciler.FIELD_MANAGER)));
            } catch (KubernetesClientException e) {
                failures.add("cannot apply " + describe(object) + ": " + reason(e));
            }
        }
        return failures;
    }

    /** An object of that name that is not this provider's (our caches hold only ours) is left alone. */
    private Optional<String> foreignObjectAt(ModelRef key, HasMetadata desired) {
        HasMetadata existing;
        try {
            existing = client.resource(desired).get();
        } catch (KubernetesClientException e) {
            return Optional.empty(); // the apply reports what is wrong
        }
        if (existing == null) {
            return Optional.empty();
        }
        var labels = existing.getMetadata().getLabels() == null ? Map.<String, String>of() : existing.getMetadata().getLabels();
        var ours = ModelObjects.PACK.equals(labels.get(ModelObjects.MANAGED_BY)) && key.name().equals(labels.get(ModelObjects.MODEL));
        return ours ? Optional.empty() : Optional.of(describe(desired) + " already exists and is not this PassthroughModel's; "
                + "it is left alone and nothing of the provider is applied: rename the PassthroughModel or remove that object");
    }

    private List<String> deleteUnwanted(ModelRef key, ModelManifests manifests) {
        return cleanUp.deleteUnwanted(key, manifests, view.children(key));
    }

    private Observations observe(ModelManifests manifests, Set<ChildKind> missing, Map<String, HasMetadata> applied,
            @Nullable String applyError) {
        var policies = manifests.policies().stream().flatMap(policy -> seen(policy, applied).stream()).toList();
        return new Observations(missing, null, null, List.of(), List.of(),
                manifests.route(EndpointSide.EXTERNAL).flatMap(route -> seen(route, applied)).orElse(null),
                manifests.route(EndpointSide.INTERNAL).flatMap(route -> seen(route, applied)).orElse(null),
                policies, manifests.policies().size(), manifests.withheld(), applyError, null, null);
    }

    private List<GenericKubernetesResource> observedProvider(ModelManifests manifests, Map<String, HasMetadata> applied) {
        return manifests.workload().stream().flatMap(object -> seen(object, applied).stream()).toList();
    }

    /** An object as this pass sees it: what it just applied, else the informer cache. */
    private Optional<GenericKubernetesResource> seen(Manifest manifest, Map<String, HasMetadata> applied) {
        var metadata = manifest.object().getMetadata();
        var fresh = applied.get(identity(manifest.object()));
        if (fresh != null) {
            return Optional.of(fresh instanceof GenericKubernetesResource generic ? generic
                    : serialization.convertValue(fresh, GenericKubernetesResource.class));
        }
        return view.child(manifest.kind(), metadata.getNamespace(), metadata.getName());
    }

    private void writeStatusIfChanged(PassthroughModel model, PassthroughModelStatus status) {
        var previous = model.getStatus();
        if (status.equals(previous)) {
            return;
        }
        editLatest(model, current -> current.setStatus(status), true);
        recordTransition(model, previous, status);
    }

    /** A change of Ready is an Event on the provider under Ready's new reason, as for a model. */
    private void recordTransition(PassthroughModel model, @Nullable PassthroughModelStatus previous, PassthroughModelStatus status) {
        var before = ready(previous);
        var after = ready(status).orElseThrow();
        if (before.isPresent() && before.get().getStatus().equals(after.getStatus())
                && before.get().getReason().equals(after.getReason())) {
            return;
        }
        ModelEventReason reason;
        try {
            reason = ModelEventReason.valueOf(after.getReason());
        } catch (IllegalArgumentException e) {
            return; // a reason that is no Event reason
        }
        events.record(model, reason, (status.phase() == null ? "" : status.phase().name()) + ": " + after.getMessage());
    }

    private static Optional<io.fabric8.kubernetes.api.model.Condition> ready(@Nullable PassthroughModelStatus status) {
        return status == null ? Optional.empty()
                : status.conditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    }

    /** {@link LatestEdit}: a JSON patch against the known object, again against a fresh read on a conflict. */
    private PassthroughModel editLatest(PassthroughModel known, Consumer<PassthroughModel> change, boolean status) {
        return LatestEdit.edit(client, view, PassthroughModel.class, known, change, status);
    }

    private PassthroughModel ensureFinalizer(PassthroughModel model) {
        if (model.getMetadata().getFinalizers().contains(ModelReconciler.FINALIZER)) {
            return model;
        }
        return editLatest(model, current -> {
            if (!current.getMetadata().getFinalizers().contains(ModelReconciler.FINALIZER)) {
                current.getMetadata().getFinalizers().add(ModelReconciler.FINALIZER);
            }
        }, false);
    }

    /** Routes first; the rest (policies, provider objects, the keys-namespace grant) once the drain delay passed. */
    private Outcome cleanUp(ModelRef key, PassthroughModel model) {
        if (cleanUp.delete(key, view.children(key), java.util.Set.of(ChildKind.AI_GATEWAY_ROUTE)) == Outcome.DRAINING) {
            return Outcome.DRAINING;
        }
        if (model.getMetadata().getFinalizers().contains(ModelReconciler.FINALIZER)) {
            client.resources(PassthroughModel.class).inNamespace(key.namespace()).withName(key.name())
                    .edit(current -> {
                        current.getMetadata().getFinalizers().remove(ModelReconciler.FINALIZER);
                        return current;
                    });
        }
        log.info("{}: external provider deleted, its objects removed", key);
        return Outcome.DELETED;
    }

    private static String identity(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }
}
