package dev.nebari.llm.admission;

import dev.nebari.llm.platform.ManagedNamespaces;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.SharedVolume;
import dev.nebari.llm.model.StorageType;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the CRD's CEL rules cannot check, because it depends on other objects (docs/webhook.md).
 *
 * <p>Rejected: a new model in a namespace the pack does not manage, and a model id, alias or LoRA adapter id (or, in
 * subdomain routing, a subdomain) that another model already serves on the shared gateway in any of these roles,
 * unless both are revisions of one id that agree on what callers see ({@link ModelIdSharing}). Each rejection names
 * the field that holds the id. Warned about: emptyDir storage with preload,
 * an auth Secret that does not exist (or cannot be checked), and more than one replica (or an autoscaling maximum
 * above one) on a ReadWriteOnce volume, which replicas on other nodes cannot attach, and revisions of one id whose
 * weights are all 0.
 *
 * <p>An UPDATE is only checked for what it changes. Rejecting an unrelated update (the operator adding or removing
 * its finalizer, a replica count) because of a conflict that already existed, or because the namespace lost its
 * label later, would leave a model that can neither be fixed nor deleted.
 */
final class AdmissionRules {

    private final PackSettings settings;

    AdmissionRules(PackSettings settings) {
        this.settings = settings;
    }

    AdmissionDecision decide(ModelChange change, ClusterLookup cluster) {
        var rejections = new ArrayList<String>();
        var warnings = new ArrayList<String>();
        var model = change.model();
        var previous = change.previous();
        var upFront = decidedUpFront(previous, change.isCreate(), change.namespace(), cluster);
        if (upFront != null) {
            return upFront;
        }
        var checkSubdomain = settings.platform().routing().mode() == RoutingMode.SUBDOMAIN
                && changed(change, m -> ModelObjects.subdomain(m.getSpec()));
        var checkIds = changed(change, AdmissionRules::whatIdSharingReads);
        if (!checkIds && !checkSubdomain) {
            return finish(change, cluster, rejections, warnings);
        }
        // Only models that claim one of the same ids or the subdomain (before or after the change) can conflict.
        var claims = new LinkedHashSet<>(ModelIdSharing.claims(model));
        if (previous != null) {
            claims.addAll(ModelIdSharing.claims(previous));
        }
        var others = cluster.modelsClaiming(claims).stream()
                .filter(other -> !(Objects.equals(other.getMetadata().getNamespace(), change.namespace())
                        && Objects.equals(other.getMetadata().getName(), change.name())))
                .filter(other -> other.getMetadata().getDeletionTimestamp() == null)
                .toList();
        // Only conflicts this change brings: one that existed before (models created while the webhook was off)
        // must not block an unrelated update; the reconciler reports it.
        var before = previous == null ? List.<String>of() : idConflicts(previous, others);
        idConflicts(model, others).stream().filter(conflict -> !before.contains(conflict)).forEach(rejections::add);
        if (checkSubdomain) {
            var subdomain = ModelObjects.subdomain(model.getSpec());
            others.stream()
                    .filter(other -> subdomain.equals(ModelObjects.subdomain(other.getSpec())))
                    .filter(other -> !ModelIdSharing.revisionsOfOneId(model, other))
                    .findFirst()
                    .ifPresent(other -> rejections.add("subdomain \"" + subdomain + "\" is already used by LLMModel "
                            + ModelChange.reference(other) + "; set spec.endpoints.external.subdomain to another DNS label"));
        }
        if (model.getSpec().traffic() != null && changed(change, m -> m.getSpec().traffic())) {
            var revisions = others.stream().filter(other -> ModelIdSharing.revisionsOfOneId(model, other)).toList();
            if (!revisions.isEmpty() && model.getSpec().traffic().weight() == 0
                    && revisions.stream().allMatch(other -> other.getSpec().traffic().weight() == 0)) {
                warnings.add("spec.traffic.weight: every revision of model id \"" + model.getSpec().model().name()
                        + "\" has weight 0, so the gateway has nowhere to send its requests and answers them with an "
                        + "error; give one of them a weight above 0");
            }
        }
        return finish(change, cluster, rejections, warnings);
    }

    /** The checks that concern the model alone. */
    private AdmissionDecision finish(ModelChange change, ClusterLookup cluster, List<String> rejections, List<String> warnings) {
        var model = change.model();
        ProviderRules.checkModel(change, cluster, changed(change, m -> m.getSpec().servedModelIds()), rejections);
        var storage = model.getSpec().model().effectiveStorage().type();
        if (storage == StorageType.EMPTY_DIR && Boolean.TRUE.equals(model.getSpec().model().preload())
                && changed(change, m -> m.getSpec().model().effectiveStorage().type() + "/" + m.getSpec().model().preload())) {
            warnings.add("spec.model.storage.type is emptyDir with preload: every restart re-downloads the weights; use "
                    + "pvc storage to keep them");
        }
        var accessMode = settings.defaults().storage().accessMode();
        var multiAttach = SharedVolume.multiAttachWarning(model.getSpec(), accessMode);
        if (multiAttach.isPresent()
                && changed(change, m -> SharedVolume.multiAttachWarning(m.getSpec(), accessMode).orElse(""))) {
            warnings.add(multiAttach.get());
        }
        var authSecret = model.getSpec().model().authSecretName();
        if (authSecret != null && changed(change, m -> m.getSpec().model().authSecretName())) {
            switch (cluster.secret(change.namespace(), authSecret)) {
                case PRESENT -> { }
                case ABSENT -> warnings.add("spec.model.authSecretName: Secret " + change.namespace() + "/" + authSecret
                        + " does not exist; the download fails until it does");
                case FORBIDDEN -> warnings.add("spec.model.authSecretName: cannot check that Secret " + change.namespace()
                        + "/" + authSecret + " exists (no permission to read it); make sure it does");
            }
        }
        return new AdmissionDecision(rejections, warnings);
    }

    /**
     * The decision no rule needs to look at, or null: a write to an object being deleted is let through (only
     * finalizers move now; never stand in the way), a create in a namespace the pack does not manage is refused.
     */
    private @org.jspecify.annotations.Nullable AdmissionDecision decidedUpFront(
            io.fabric8.kubernetes.api.model.@org.jspecify.annotations.Nullable HasMetadata previous, boolean isCreate,
            String namespace, ClusterLookup cluster) {
        if (previous != null && previous.getMetadata().getDeletionTimestamp() != null) {
            return new AdmissionDecision(List.of(), List.of());
        }
        var unmanaged = isCreate ? unmanagedNamespace(namespace, cluster) : null;
        return unmanaged == null ? null : new AdmissionDecision(List.of(unmanaged), List.of());
    }

    /** An external provider's write: the namespace as for a model, then {@link ProviderRules}. */
    AdmissionDecision decide(ProviderChange change, ClusterLookup cluster) {
        var upFront = decidedUpFront(change.previous(), change.isCreate(), change.namespace(), cluster);
        if (upFront != null) {
            return upFront;
        }
        var rejections = new ArrayList<String>();
        var warnings = new ArrayList<String>();
        ProviderRules.check(change, cluster, rejections, warnings);
        return new AdmissionDecision(rejections, warnings);
    }

    /** What decides whether a model may share its ids: the ids, the opt-in and, for revisions, what callers see. */
    private static Object whatIdSharingReads(LLMModel model) {
        var spec = model.getSpec();
        return spec.traffic() == null ? List.of(spec.servedModelIds())
                : List.of(spec.servedModelIds(), spec.traffic(), spec.access(), spec.endpoints(), java.util.Optional.ofNullable(spec.limits()));
    }

    /**
     * The model ids, aliases and adapter ids {@code model} shares with other models that it may not share ({@link ModelIdSharing}),
     * each as a sentence naming both models.
     */
    private static List<String> idConflicts(LLMModel model, List<LLMModel> others) {
        return others.stream().flatMap(other -> ModelIdSharing.conflict(model, other).stream()).toList();
    }

    /** The rejection for an unmanaged namespace, or null when the namespace is managed. */
    private @org.jspecify.annotations.Nullable String unmanagedNamespace(String namespace, ClusterLookup cluster) {
        if (ManagedNamespaces.manages(settings, namespace, cluster::namespaceLabels)) {
            return null;
        }
        var watched = settings.watchNamespaces();
        var label = ManagedNamespaces.LABEL + "=" + ManagedNamespaces.LABEL_VALUE;
        return "namespace " + namespace + " is not managed by nebari-llm-serving: " + (watched.isEmpty()
                ? "label it " + label + " (kubectl label namespace " + namespace + " " + label + ")"
                : "the pack watches only " + String.join(", ", watched) + " (Helm value watchNamespaces)");
    }

    /** True for a CREATE, or when an UPDATE changes what {@code aspect} reads. */
    private static boolean changed(ModelChange change, Function<LLMModel, ?> aspect) {
        var previous = change.previous();
        return previous == null || !Objects.equals(aspect.apply(previous), aspect.apply(change.model()));
    }
}
