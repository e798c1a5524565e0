package dev.nebari.llm.reconciliation;

import dev.nebari.llm.keys.ModelRef;
import static dev.nebari.llm.reconciliation.ServerSideApply.describe;
import static dev.nebari.llm.reconciliation.ServerSideApply.reason;

import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.manifests.ChildKind;
import dev.nebari.llm.manifests.DesiredState;
import dev.nebari.llm.manifests.GatewayInputs;
import dev.nebari.llm.manifests.Manifest;
import dev.nebari.llm.manifests.ModelManifests;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelStatus;
import dev.nebari.llm.model.ModelEventReason;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.platform.ManagedNamespaces;
import dev.nebari.llm.platform.ModelEventRecorder;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.serving.ServingFacts;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile pass for one model: observe (from the informer caches), render, apply what differs with
 * server-side apply, delete what is no longer wanted, and write the status if it changed. Objects whose CRD is
 * missing are skipped and reported; everything else keeps working.
 */
final class ModelReconciler {

    /** The one field manager for everything the operator applies. */
    static final String FIELD_MANAGER = "nebari-llm-serving";
    /** How the operator signs the Events it records on models. */
    static final String EVENT_COMPONENT = "nebari-llm-serving";
    /** Lets the operator remove objects outside the model's namespace (owner references cannot reach them). */
    static final String FINALIZER = LLMModel.GROUP + "/cleanup";
    /** Annotation with a hash of the last applied content of an object (see {@link #stampHash}). */
    static final String APPLIED_HASH = LLMModel.GROUP + "/applied-hash";

    private static final Logger log = LoggerFactory.getLogger(ModelReconciler.class);

    /**
     * Per model, each object last found as desired: its identity and "applied hash@observed resource version" of
     * that comparison ({@link #satisfiedBy}). In memory only (a restart compares everything once); dropped with the
     * model.
     */
    private final Map<ModelRef, Map<String, String>> satisfied = new ConcurrentHashMap<>();
    /**
     * Per model, its uid and generation in the last pass that rendered its workload and picker, and which objects
     * those were: they are rendered from the settings and the model's name, uid and spec alone (a status or label
     * change keeps the generation), so while these are unchanged so are they and their hashes
     * ({@link #alreadySatisfied}, {@link #workloadAndPickerUnchanged}). Dropped with the model.
     */
    private final Map<ModelRef, RenderedFromModel> renderedFromModel = new ConcurrentHashMap<>();

    /**
     * Per model, what its gateway objects other than the keyed one were rendered from in the last pass: its uid and
     * generation and {@link GatewayInputs}. While these are unchanged so are those objects and their hashes, and a
     * pass that a key change starts need not stamp and compare them again ({@link #alreadySatisfied}); only the
     * external SecurityPolicy changes with a key. The stamps fell from 11.0 % to 3.7 % of the operator's samples while
     * keys were minted (bench/scale at 200 models, JFR). Dropped with the model.
     */
    private final Map<ModelRef, GatewayVersion> gatewayRenderedFrom = new ConcurrentHashMap<>();

    private record GatewayVersion(String model, GatewayInputs inputs) {
    }

    /** The model's uid and generation when its workload and picker were rendered, and those objects by kind and name. */
    private record RenderedFromModel(String version, List<ObjectName> objects) {
    }

    private record ObjectName(ChildKind kind, String namespace, String name) {
        String identity() {
            return ModelReconciler.identity(kind.kind(), namespace, name);
        }
    }

    /** What a pass did, for metrics and requeueing; {@code DRAINING}: a deleted model's routes are gone and its workload waits for the drain. */
    enum Outcome { READY, NOT_READY, DOWNLOADING, DRAINING, DELETED, SKIPPED }

    /**
     * What exposes a model at the gateway: removed first when a model is deleted. Only the routes: a policy or a
     * grant that went before its route (gateways watch each kind on its own, so they may see the deletions in any
     * order) would leave the route unprotected or unable to read its keys for a moment (a 500).
     */
    private static final Set<ChildKind> EXPOSING_KINDS = EnumSet.of(ChildKind.AI_GATEWAY_ROUTE);

    private final KubernetesClient client;
    private final ClusterView view;
    private final PackSettings settings;
    private final DesiredState desired;
    private final StatusAggregator aggregator;
    private final ModelEventRecorder events;
    private final PredecessorTakeover predecessor;
    private final DownloadProgress downloads;
    private final KubernetesSerialization serialization;
    /** Deleted models whose routes are gone, and since when (in memory: a new leader simply drains again). */
    private final OrderedCleanUp cleanUp;

    private final ModelIdClaims claims;
    private final PassthroughReconciler passthroughs;

    /**
     * @param routeDrainDelay how long a deleted model's workload outlives its routes, so the gateway stops sending
     *                        it requests before its pods go (callers then see 404, not 503)
     */
    ModelReconciler(KubernetesClient client, ClusterView view, PackSettings settings, DesiredState desired,
            StatusAggregator aggregator, ModelEventRecorder events, DownloadProgress downloads, Duration routeDrainDelay,
            Clock clock) {
        this.cleanUp = new OrderedCleanUp(client, routeDrainDelay, clock);
        this.downloads = downloads;
        this.client = client;
        this.view = view;
        this.settings = settings;
        this.desired = desired;
        this.aggregator = aggregator;
        this.events = events;
        this.predecessor = new PredecessorTakeover(client, events);
        this.serialization = client.getKubernetesSerialization();
        this.claims = new ModelIdClaims(settings.platform().routing().mode() == PackSettings.RoutingMode.SUBDOMAIN,
                this::namespaceManaged);
        this.passthroughs = new PassthroughReconciler(client, view, settings, desired,
                new PassthroughStatusAggregator(settings, aggregator, clock), events, routeDrainDelay, clock, this::namespaceManaged);
    }

    Outcome reconcile(ModelRef key) {
        var found = view.model(key);
        if (found.isEmpty()) {
            forget(key);
            // No LLMModel of this name: perhaps an external provider (admission keeps the two kinds' names apart).
            return view.passthrough(key).map(passthrough -> passthroughs.reconcile(key, passthrough)).orElse(Outcome.SKIPPED);
        }
        var model = found.get();
        if (model.getMetadata().getDeletionTimestamp() != null) {
            return cleanUp(key, model);
        }
        if (!namespaceManaged(key.namespace())) {
            writeStatusIfChanged(model, aggregator.notManaged(model));
            return Outcome.SKIPPED;
        }
        model = ensureFinalizer(model);

        var revisions = claims.revisionGroup(model, view::competitors);
        var unchanged = workloadAndPickerUnchanged(key, model);
        var manifests = unchanged.isEmpty() ? desired.of(model, revisions)
                : desired.withoutWorkloadAndPicker(model, revisions);
        var taken = claims.takenFrom(model, view::competitors);
        if (taken.isPresent()) {
            manifests = manifests.withoutRouting();
        }
        var missing = EnumSet.noneOf(ChildKind.class);
        var applied = new HashMap<String, HasMetadata>();
        var failures = apply(key, model, manifests, missing, applied);
        if (failures.isEmpty()) {
            failures = cleanUp.deleteUnwanted(key, manifests, unchanged, view.children(key));
        }
        var applyError = failures.isEmpty() ? null : String.join("; ", failures);
        var status = aggregator.aggregate(model, observe(key, model, manifests, missing, applied, applyError,
                taken.map(ModelIdClaims.Taken::message).orElse(null)));
        writeStatusIfChanged(model, status);
        if (applyError != null) {
            throw new ReconcileException(applyError);
        }
        if (status.phase() == Phase.Downloading) {
            return Outcome.DOWNLOADING;
        }
        return StatusAggregator.isReady(status) ? Outcome.READY : Outcome.NOT_READY;
    }

    /**
     * Applies every desired object that differs from what is observed. One failing object does not stop the
     * others (a missing keys namespace must not keep the workload from being created); the failures are returned.
     * The API server's answers go into {@code applied} (by {@link #identity}): they are fresher than the informer
     * caches, so this pass observes them, and their echo from the watches does not queue the model again.
     *
     * <p>Our caches hold only objects with our labels, so a name that is free there may still be taken. Such objects
     * are created only where the name is free ({@link ServerSideApply#create}): one request, where a read and then an
     * apply took two. They are created in apply order, each after the objects it names, except the Deployments and
     * their autoscaler, which come last: they are what costs GPUs while the model cannot be served. The routes are
     * read before anything is written, because the policies before them in apply order name them. The first taken
     * name stops every later create: from there each object is read and judged as {@link ApplyPass#judge} says, and
     * if one is someone else's, nothing more is written.
     */
    private List<String> apply(ModelRef key, LLMModel model, ModelManifests manifests, Set<ChildKind> missing,
            Map<String, HasMetadata> applied) {
        var pass = new ApplyPass(key, model, applied);
        var creations = new ArrayList<Manifest>();
        var routes = manifests.routes().values();
        var version = renderedFrom(model);
        var last = renderedFromModel.get(key);
        var modelUnchanged = version != null && last != null && version.equals(last.version());
        var fromModelAlone = Collections.newSetFromMap(new IdentityHashMap<Manifest, Boolean>());
        fromModelAlone.addAll(manifests.workload());
        fromModelAlone.addAll(manifests.picker());
        var gatewayVersion = version == null || manifests.gatewayInputs() == null ? null
                : new GatewayVersion(version, manifests.gatewayInputs());
        var gatewayUnchanged = gatewayVersion != null && gatewayVersion.equals(gatewayRenderedFrom.get(key));
        for (var manifest : manifests.manifests()) {
            var kind = manifest.kind();
            var desired = manifest.object();
            if (!view.installed(kind)) {
                missing.add(kind);
                continue;
            }
            var observed = view.child(kind, desired.getMetadata().getNamespace(), desired.getMetadata().getName());
            var inputsUnchanged = modelUnchanged && fromModelAlone.contains(manifest)
                    || gatewayUnchanged && manifests.keyless(manifest);
            if (inputsUnchanged && observed.isPresent() && alreadySatisfied(key, desired, observed.get())) {
                continue;
            }
            stampHash(desired);
            if (observed.isPresent()) {
                if (!satisfiedBy(key, desired, observed.get())) {
                    pass.changes.add(desired);
                }
            } else if (routes.contains(manifest)) {
                var existing = read(desired);
                if (existing == null) {
                    creations.add(manifest);
                } else {
                    pass.judge(desired, existing);
                }
            } else {
                creations.add(manifest);
            }
        }
        if (gatewayVersion != null) {
            gatewayRenderedFrom.put(key, gatewayVersion);
        }
        if (version != null && !fromModelAlone.isEmpty()) {
            renderedFromModel.put(key, new RenderedFromModel(version, fromModelAlone.stream()
                    .map(manifest -> new ObjectName(manifest.kind(), manifest.object().getMetadata().getNamespace(),
                            manifest.object().getMetadata().getName()))
                    .toList()));
        }
        if (pass.conflicts.isEmpty()) {
            creations.sort(Comparator.comparing(ModelReconciler::createdLast));
            creations.forEach(creation -> pass.create(creation.object()));
        }
        if (!pass.conflicts.isEmpty()) {
            // Nothing more is written: a Deployment applied beside someone else's PVC or ServiceAccount would use it.
            return pass.conflicts;
        }
        if (!pass.takeovers.isEmpty()) {
            predecessor.prepare(model, pass.takeovers);
        }
        for (var desired : pass.changes) {
            try {
                applied.put(identity(desired), written(key, desired, view.write(desired, () -> ServerSideApply.apply(client, desired, FIELD_MANAGER))));
            } catch (KubernetesClientException e) {
                pass.failures.add("cannot apply " + describe(desired) + ": " + reason(e));
            }
        }
        return pass.failures;
    }

    /**
     * Whether the observed object already is as desired. The same applied hash against the same resource version
     * compares the same, so a comparison that found them equal is remembered ({@link #satisfied}) and not repeated
     * by the next pass that a key change or a resync starts: the comparison converts both objects to trees, 18 % of
     * the operator's CPU while keys were minted (bench/scale). An object observed with another applied hash than the
     * desired one is not compared at all: the comparison covers the annotations, so it could only say no, after
     * converting both objects (the external SecurityPolicy at every key change, 4.7 % of the operator's samples while
     * minting).
     */
    private boolean satisfiedBy(ModelRef key, HasMetadata desired, GenericKubernetesResource observed) {
        var hash = desired.getMetadata().getAnnotations().get(APPLIED_HASH);
        var proof = hash + "@" + observed.getMetadata().getResourceVersion();
        var known = satisfied.computeIfAbsent(key, model -> new ConcurrentHashMap<>());
        var identity = identity(desired);
        if (proof.equals(known.get(identity))) {
            return true;
        }
        var observedAnnotations = observed.getMetadata().getAnnotations();
        if (observedAnnotations == null || !Objects.equals(hash, observedAnnotations.get(APPLIED_HASH))
                || !DesiredStateComparison.isSatisfiedBy(serialization, desired, observed)) {
            known.remove(identity);
            return false;
        }
        known.put(identity, proof);
        return true;
    }

    /**
     * Whether an object rendered from unchanged inputs (so with the hash it had: the workload and picker of an
     * unchanged model, or its keyless gateway objects with unchanged {@link GatewayInputs}) is still as the last
     * comparison found it: that comparison is remembered for the observed resource version. Then neither the stamp
     * (a JSON serialisation and a digest per object, a quarter of the operator's CPU in the passes that key changes
     * start, bench/scale) nor the comparison is repeated; the object is not applied.
     */
    private boolean alreadySatisfied(ModelRef key, HasMetadata desired, GenericKubernetesResource observed) {
        return satisfiedAt(key, identity(desired), observed);
    }

    private boolean satisfiedAt(ModelRef key, String identity, GenericKubernetesResource observed) {
        var proof = satisfied.getOrDefault(key, Map.of()).get(identity);
        var at = proof == null ? -1 : proof.lastIndexOf('@');
        return at >= 0 && proof.substring(at + 1).equals(observed.getMetadata().getResourceVersion());
    }

    /**
     * The identities of the model's workload and picker objects when this pass need not render them: the model's
     * uid and generation are those they were rendered from, and every one of them is observed at the version the
     * last comparison or apply found as desired. Empty otherwise (then everything is rendered and compared). An
     * object that changes after this check is not missed: its watch event queues the model again, and that pass finds
     * its version changed.
     */
    private Set<String> workloadAndPickerUnchanged(ModelRef key, LLMModel model) {
        var last = renderedFromModel.get(key);
        if (last == null || !last.version().equals(renderedFrom(model))) {
            return Set.of();
        }
        var identities = new HashSet<String>();
        for (var object : last.objects()) {
            var identity = object.identity();
            var unchanged = view.installed(object.kind()) && view.child(object.kind(), object.namespace(), object.name())
                    .filter(observed -> satisfiedAt(key, identity, observed)).isPresent();
            if (!unchanged) {
                return Set.of();
            }
            identities.add(identity);
        }
        return identities;
    }

    /**
     * Remembers an object the API server just stored from our apply as desired at the version it returned: we own
     * every field we set, so comparing it would find it so (where an admission webhook changes our fields, applying
     * them again would not help either). The next pass then compares only if the object changed since.
     */
    private HasMetadata written(ModelRef key, HasMetadata desired, HasMetadata stored) {
        var version = stored.getMetadata().getResourceVersion();
        if (version != null) {
            satisfied.computeIfAbsent(key, model -> new ConcurrentHashMap<>())
                    .put(identity(desired), desired.getMetadata().getAnnotations().get(APPLIED_HASH) + "@" + version);
        }
        return stored;
    }

    /** What the workload and picker are rendered from besides the settings: the model's uid and spec generation. */
    private static @Nullable String renderedFrom(LLMModel model) {
        var metadata = model.getMetadata();
        return metadata.getUid() == null || metadata.getGeneration() == null ? null
                : metadata.getUid() + "/" + metadata.getGeneration();
    }

    private void forget(ModelRef key) {
        satisfied.remove(key);
        renderedFromModel.remove(key);
        gatewayRenderedFrom.remove(key);
    }

    /** Deployments and autoscalers (which name a Deployment) sort after everything else; the sort keeps apply order. */
    private static boolean createdLast(Manifest manifest) {
        var kind = manifest.kind();
        return kind == ChildKind.DEPLOYMENT || kind == ChildKind.HORIZONTAL_POD_AUTOSCALER;
    }

    /** What one apply pass found: what to apply with force, and what stops it. */
    private final class ApplyPass {
        private final ModelRef key;
        private final LLMModel model;
        private final Map<String, HasMetadata> applied;
        /** Applied with force once the creates are done: ours but different, absent after a taken name, taken over. */
        final List<HasMetadata> changes = new ArrayList<>();
        final List<String> conflicts = new ArrayList<>();
        final List<PredecessorTakeover.Takeover> takeovers = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        /** Once a name is found taken, later objects are read and judged instead of created. */
        private boolean nameTaken;

        ApplyPass(ModelRef key, LLMModel model, Map<String, HasMetadata> applied) {
            this.key = key;
            this.model = model;
            this.applied = applied;
        }

        void create(HasMetadata desired) {
            if (nameTaken) {
                judge(desired, read(desired));
                return;
            }
            try {
                applied.put(identity(desired), written(key, desired, view.write(desired, () -> ServerSideApply.create(client, desired, FIELD_MANAGER))));
            } catch (KubernetesClientException e) {
                if (!ServerSideApply.taken(e)) {
                    failures.add("cannot apply " + describe(desired) + ": " + reason(e));
                    return;
                }
                judge(desired, read(desired));
            }
        }

        /**
         * Given the object under the desired one's name as read from the API server: ours and as desired needs no
         * write (a pass right after the create, before the watch brought it); ours or absent is applied; the
         * predecessor pack's for this model is taken over ({@link PredecessorTakeover}); anything else is left alone
         * and reported. A forced apply would take such an object over: its spec replaced, our owner reference added,
         * deleted with the model.
         */
        void judge(HasMetadata desired, @Nullable HasMetadata existing) {
            nameTaken = true;
            if (existing == null || isOurs(key, existing)) {
                if (existing != null && DesiredStateComparison.isSatisfiedBy(serialization, desired, existing)) {
                    applied.put(identity(desired), existing);
                } else {
                    changes.add(desired);
                }
                return;
            }
            PredecessorTakeover.of(model, existing).ifPresentOrElse(takeover -> {
                takeovers.add(takeover);
                changes.add(desired);
            }, () -> conflicts.add(describe(desired) + " already exists and is not this model's; it is left alone and "
                    + "the model is not deployed: rename the LLMModel or remove that object"));
        }
    }

    /** The object as the API server has it now, or null when it does not exist or cannot be read (the apply reports why). */
    private @Nullable HasMetadata read(HasMetadata desired) {
        try {
            return client.resource(desired).get();
        } catch (KubernetesClientException e) {
            return null;
        }
    }

    /** Whether an object carries this model's labels (the pack's objects in the keys namespace name the model's namespace). */
    private static boolean isOurs(ModelRef key, HasMetadata existing) {
        var labels = existing.getMetadata().getLabels() == null ? Map.<String, String>of() : existing.getMetadata().getLabels();
        return ModelObjects.PACK.equals(labels.get(ModelObjects.MANAGED_BY))
                && key.name().equals(labels.get(ModelObjects.MODEL))
                && (key.namespace().equals(existing.getMetadata().getNamespace())
                        || key.namespace().equals(labels.get(ModelObjects.MODEL_NAMESPACE)));
    }

    /**
     * Records a hash of what is applied on the object itself. The subset comparison alone cannot see a field we
     * stopped setting (server-side apply removes it, but the observed object still has it and so still "contains"
     * the desired one); a different hash makes such a change count as a difference.
     */
    private void stampHash(HasMetadata desired) {
        stampHash(serialization, desired);
    }

    static void stampHash(KubernetesSerialization serialization, HasMetadata desired) {
        var annotations = new TreeMap<String, String>();
        if (desired.getMetadata().getAnnotations() != null) {
            annotations.putAll(desired.getMetadata().getAnnotations());
        }
        annotations.remove(APPLIED_HASH);
        desired.getMetadata().setAnnotations(annotations);
        var json = serialization.asJson(desired);
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            annotations.put(APPLIED_HASH, HexFormat.of().formatHex(digest, 0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Observations observe(ModelRef key, LLMModel model, ModelManifests manifests, Set<ChildKind> missing,
            Map<String, HasMetadata> applied, @Nullable String applyError, @Nullable String claimTaken) {
        var seen = new Seen(applied);
        var names = ModelObjects.of(model);
        var ns = key.namespace();
        var pods = view.pods(key);
        var modelPods = pods.stream().filter(p -> matches(p, names.modelServerPods())).toList();
        var pickerPods = pods.stream().filter(p -> matches(p, names.endpointPickerPods())).toList();
        var policies = manifests.policies().stream().flatMap(policy -> seen.child(policy).stream()).toList();
        return new Observations(
                missing,
                seen.deployment(ns, names.workload()),
                seen.deployment(ns, names.endpointPicker()),
                modelPods,
                pickerPods,
                seen.route(manifests, EndpointSide.EXTERNAL),
                seen.route(manifests, EndpointSide.INTERNAL),
                policies,
                manifests.policies().size(),
                manifests.withheld(),
                applyError,
                modelPods.stream()
                        .filter(pod -> PodProblems.initContainerRunning(List.of(pod), ServingFacts.DOWNLOADER_CONTAINER))
                        .findFirst()
                        .flatMap(downloads::latest)
                        .orElse(null),
                claimTaken);
    }

    /** A model's children as this pass sees them: what it just applied, else the informer cache. */
    private final class Seen {
        private final Map<String, HasMetadata> applied;

        Seen(Map<String, HasMetadata> applied) {
            this.applied = applied;
        }

        Optional<GenericKubernetesResource> child(ChildKind kind, String namespace, String name) {
            var fresh = applied.get(identity(kind.kind(), namespace, name));
            if (fresh == null) {
                return view.child(kind, namespace, name);
            }
            return Optional.of(fresh instanceof GenericKubernetesResource generic ? generic
                    : serialization.convertValue(fresh, GenericKubernetesResource.class));
        }

        /**
         * The Deployment for status: its metadata and status only. Status aggregation reads nothing else, and
         * converting the whole observed object (its pod template) each pass was 9 % of the operator's CPU.
         */
        @Nullable Deployment deployment(String namespace, String name) {
            return child(ChildKind.DEPLOYMENT, namespace, name).map(observed -> {
                var deployment = new Deployment();
                deployment.setMetadata(observed.getMetadata());
                var status = observed.getAdditionalProperties().get("status");
                if (status != null) {
                    deployment.setStatus(serialization.convertValue(status, DeploymentStatus.class));
                }
                return deployment;
            }).orElse(null);
        }

        Optional<GenericKubernetesResource> child(Manifest rendered) {
            var metadata = rendered.object().getMetadata();
            return child(rendered.kind(), metadata.getNamespace(), metadata.getName());
        }

        /** The side's route, if it was rendered and exists. */
        @Nullable GenericKubernetesResource route(ModelManifests manifests, EndpointSide side) {
            return manifests.route(side).flatMap(this::child).orElse(null);
        }
    }

    private void writeStatusIfChanged(LLMModel model, LLMModelStatus status) {
        var previous = model.getStatus();
        if (status.equals(previous)) {
            return;
        }
        // A JSON patch (editStatus): unlike a merge patch, it also removes fields that are gone (download progress
        // once the weights are in place).
        editLatest(model, current -> current.setStatus(status), true);
        recordTransition(model, previous, status);
    }

    /** {@link LatestEdit}: a JSON patch against the known object, again against a fresh read on a conflict. */
    private LLMModel editLatest(LLMModel known, Consumer<LLMModel> change, boolean status) {
        return LatestEdit.edit(client, view, LLMModel.class, known, change, status);
    }

    private void recordTransition(LLMModel model, @Nullable LLMModelStatus previous, LLMModelStatus status) {
        var before = StatusAggregator.find(previous, ConditionType.READY);
        var after = StatusAggregator.find(status, ConditionType.READY).orElseThrow();
        var changed = before.isEmpty() || !before.get().getStatus().equals(after.getStatus())
                || !before.get().getReason().equals(after.getReason());
        if (!changed) {
            return;
        }
        var phase = status.phase() == null ? "" : status.phase().name();
        // Ready's reasons are the Events' reasons (the aggregator writes them from ModelEventReason).
        events.record(model, ModelEventReason.valueOf(after.getReason()), phase + ": " + after.getMessage());
    }

    boolean namespaceManaged(String namespace) {
        return ManagedNamespaces.manages(settings, namespace, view::namespaceLabels);
    }

    /** Adds the finalizer if it is missing; returns the model as it is now. */
    private LLMModel ensureFinalizer(LLMModel model) {
        if (model.getMetadata().getFinalizers().contains(FINALIZER)) {
            return model;
        }
        return editLatest(model, current -> {
            if (!current.getMetadata().getFinalizers().contains(FINALIZER)) {
                current.getMetadata().getFinalizers().add(FINALIZER);
            }
        }, false);
    }

    /**
     * Deletes everything of the model (GC would take the in-namespace part too, but not what lives elsewhere): first
     * its routes, then, once {@code routeDrainDelay} has passed, everything else (policies, grants, the workload),
     * so the gateway stops routing to the model before its policies and its pods go away.
     */
    private Outcome cleanUp(ModelRef key, LLMModel model) {
        forget(key);
        if (cleanUp.delete(key, view.children(key), EXPOSING_KINDS) == Outcome.DRAINING) {
            return Outcome.DRAINING;
        }
        if (model.getMetadata().getFinalizers().contains(FINALIZER)) {
            client.resources(LLMModel.class).inNamespace(key.namespace()).withName(key.name())
                    .edit(current -> {
                        current.getMetadata().getFinalizers().remove(FINALIZER);
                        return current;
                    });
        }
        log.info("{}: deleted, its objects removed", key);
        return Outcome.DELETED;
    }

    private static String identity(HasMetadata object) {
        return identity(object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
    }

    private static String identity(String kind, String namespace, String name) {
        return kind + "/" + namespace + "/" + name;
    }

    private static boolean matches(Pod pod, Map<String, String> selector) {
        var labels = pod.getMetadata().getLabels();
        return labels != null && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** A reconcile that must be retried; its message is safe to log (no key material ever reaches here). */
    static final class ReconcileException extends RuntimeException {
        ReconcileException(String message) {
            super(message);
        }
    }
}
