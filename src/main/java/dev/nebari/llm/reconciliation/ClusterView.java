package dev.nebari.llm.reconciliation;

import dev.nebari.llm.manifests.ChildKind;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.ChangeHandler;
import dev.nebari.llm.platform.ContentInterner;
import dev.nebari.llm.platform.LeanItemStore;
import dev.nebari.llm.platform.UntypedClient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of the cluster, kept by informers: LLMModels, everything labelled as ours (by kind),
 * our pods, namespaces and the CRDs. Reconciling reads from here, never from the API server, so steady state
 * costs no reads either. Any change to an object that belongs to a model enqueues that model, except the echo of
 * the operator's own write (see {@link OwnWrites}).
 *
 * <p>Kinds whose CRD is not installed are not watched; when their CRD appears (or goes away) the view starts
 * (or stops) their informer and enqueues every model, so models recover without a restart.
 */
final class ClusterView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterView.class);
    private static final String BY_MODEL = "byModel";
    /** Models by every id, alias, adapter id and subdomain they claim: who competes with whom, without a scan. */
    private static final String OURS = ModelObjects.MANAGED_BY + "=" + ModelObjects.PACK;

    private final KubernetesClient client;
    /** For the child informers: their objects are kept in the generic form, decoded once ({@link UntypedClient}). */
    private final UntypedClient untyped;
    private final Duration resync;
    private final Consumer<ModelRef> enqueue;
    private final String keysNamespace;
    /** The children of all models share their equal parts (see {@link ContentInterner}). */
    private final ContentInterner interner = new ContentInterner();
    private final Map<ChildKind, SharedIndexInformer<GenericKubernetesResource>> children =
            new ConcurrentHashMap<>();
    private final Set<String> establishedCrds = ConcurrentHashMap.newKeySet();
    private final OwnWrites ownWrites = new OwnWrites();
    private final ExecutorService starter = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private @Nullable SharedIndexInformer<LLMModel> models;
    /** External providers; watched once their CRD is established (a cluster may still have an older chart's CRDs). */
    private volatile @Nullable SharedIndexInformer<PassthroughModel> passthroughs;
    private @Nullable SharedIndexInformer<Pod> pods;
    private @Nullable SharedIndexInformer<Namespace> namespaces;
    private @Nullable SharedIndexInformer<CustomResourceDefinition> crds;

    ClusterView(KubernetesClient client, Duration resync, String keysNamespace, Consumer<ModelRef> enqueue) {
        this.client = client;
        this.untyped = UntypedClient.of(client);
        this.keysNamespace = keysNamespace;
        this.resync = resync;
        this.enqueue = enqueue;
    }

    /** Starts every informer and waits until their caches are filled. */
    synchronized void start() {
        // Only the CRDs' names and conditions are read: their schemas (megabytes for some upstream CRDs) are dropped.
        crds = run(client.apiextensions().v1().customResourceDefinitions().runnableInformer(0),
                LeanItemStore.withoutManagedFieldsAnd(crd -> crd.setSpec(null)), ChangeHandler.onAnyChange(this::onCrd));
        // Handlers run asynchronously; read the synced cache so the first set of child informers is complete.
        crds.getStore().list().stream().filter(ClusterView::established)
                .forEach(crd -> establishedCrds.add(crd.getMetadata().getName()));
        for (var kind : ChildKind.values()) {
            if (kind.crd().isEmpty() || establishedCrds.contains(kind.crd().get())) {
                startChildInformer(kind);
            }
        }
        namespaces = run(client.namespaces().runnableInformer(0), LeanItemStore.withoutManagedFields(),
                ChangeHandler.onAnyChange(ns -> enqueueNamespace(ns.getMetadata().getName())));
        var ourPods = client.pods().inAnyNamespace().withLabel(OURS).<Pod>runnableInformer(0);
        ourPods.addIndexers(Map.of(BY_MODEL, ClusterView::modelIndex));
        pods = run(ourPods, LeanItemStore.withoutManagedFields(), ChangeHandler.onAnyChange(this::enqueueOwner));
        var modelInformer = client.resources(LLMModel.class).inAnyNamespace().<LLMModel>runnableInformer(resync.toMillis());
        ModelIdSharing.indexByClaims(modelInformer);
        modelInformer.addEventHandler(competitorsOnChange());
        models = run(modelInformer, LeanItemStore.withoutManagedFields(), queueing(m -> Optional.of(ModelRef.of(m))));
        if (establishedCrds.contains(PassthroughModel.CRD_NAME)) {
            startPassthroughInformer();
        }
    }

    private synchronized void startPassthroughInformer() {
        if (passthroughs != null) {
            return;
        }
        var informer = client.resources(PassthroughModel.class).inAnyNamespace().<PassthroughModel>runnableInformer(resync.toMillis());
        informer.addEventHandler(providersOnChange());
        passthroughs = run(informer, LeanItemStore.withoutManagedFields(), queueing(m -> Optional.of(ModelRef.of(m))));
    }

    /**
     * Providers yield listed model ids to LLMModels and to older providers (see {@link PassthroughReconciler}): when a
     * provider's ids change or it goes away, the others decide again.
     */
    private ResourceEventHandler<PassthroughModel> providersOnChange() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(PassthroughModel provider) {
            }

            @Override
            public void onUpdate(PassthroughModel before, PassthroughModel after) {
                if (!before.getSpec().models().equals(after.getSpec().models())
                        || (before.getMetadata().getDeletionTimestamp() == null) != (after.getMetadata().getDeletionTimestamp() == null)) {
                    enqueueProvidersBut(ModelRef.of(after));
                }
            }

            @Override
            public void onDelete(PassthroughModel provider, boolean finalStateUnknown) {
                enqueueProvidersBut(ModelRef.of(provider));
            }
        };
    }

    private void enqueueProvidersBut(ModelRef changed) {
        allPassthroughObjects().stream().map(ModelRef::of).filter(ref -> !ref.equals(changed)).forEach(enqueue);
    }

    /**
     * Runs an informer whose cache keeps objects without their managed fields (see {@link LeanItemStore}): the
     * reconciler compares only the fields it sets, so the field-ownership trees were dead weight (a quarter of the
     * operator's heap after reconciling 300 models). Returns once the cache is filled.
     */
    private static <T extends HasMetadata> SharedIndexInformer<T> run(SharedIndexInformer<T> informer, LeanItemStore<T> store,
            ResourceEventHandler<? super T> handler) {
        informer.itemStore(store);
        informer.addEventHandler(handler);
        informer.run();
        return informer;
    }

    private void startChildInformer(ChildKind kind) {
        children.computeIfAbsent(kind, k -> {
            var resources = untyped.resources(k.apiVersion(), k.kind());
            var informer = (k.livesInKeysNamespace() ? resources.inNamespace(keysNamespace) : resources.inAnyNamespace())
                    .withLabel(OURS).runnableInformer(resync.toMillis());
            informer.addIndexers(Map.of(BY_MODEL, ClusterView::modelIndex));
            run(informer, LeanItemStore.withoutManagedFieldsAnd(interner::share), queueing(ClusterView::ownerOf));
            log.debug("watching {}", k.kind());
            return informer;
        });
    }

    /**
     * When a model's ids, subdomain or anything else of its spec changes, or it goes away, the models that claim one of
     * the same must decide again who routes it ({@link ModelIdClaims}): a younger model takes over from a deleted one,
     * and revisions of one id render each other's weights and compare what callers see, so any spec change counts.
     */
    private ResourceEventHandler<LLMModel> competitorsOnChange() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(LLMModel model) {
                // A new revision of an id changes the split its other revisions render.
                if (model.getSpec().traffic() != null) {
                    enqueueCompetitors(model);
                }
            }

            @Override
            public void onUpdate(LLMModel before, LLMModel after) {
                if (!ModelIdSharing.claims(before).equals(ModelIdSharing.claims(after))
                        || !before.getSpec().equals(after.getSpec())
                        || (before.getMetadata().getDeletionTimestamp() == null) != (after.getMetadata().getDeletionTimestamp() == null)) {
                    enqueueCompetitors(before);
                    enqueueCompetitors(after);
                }
            }

            @Override
            public void onDelete(LLMModel model, boolean finalStateUnknown) {
                enqueueCompetitors(model);
            }
        };
    }

    /**
     * The other models that claim one of the ids (or the subdomain) of {@code model}, from the index: a model's
     * reconcile and every key change ask this, so a scan of all models here made the operator's work grow with the
     * square of the models (bench/scale).
     */
    List<LLMModel> competitors(LLMModel model) {
        if (models == null) {
            return List.of();
        }
        var key = ModelRef.of(model);
        return ModelIdSharing.claimingAny(models, ModelIdSharing.claims(model)).stream()
                .filter(other -> !ModelRef.of(other).equals(key))
                .toList();
    }

    private void enqueueCompetitors(LLMModel changed) {
        // a provider listing this model's id (old or new) routes it only while no LLMModel serves it
        allPassthroughObjects().stream()
                .filter(provider -> ModelIdSharing.claims(changed).stream().anyMatch(provider.getSpec().models().ids()::contains))
                .forEach(provider -> enqueue.accept(ModelRef.of(provider)));
        competitors(changed).forEach(other -> enqueue.accept(ModelRef.of(other)));
    }

    /** Queues the model an object belongs to whenever it changes, except for the echo of our own write. */
    private <T extends HasMetadata> ResourceEventHandler<T> queueing(Function<T, Optional<ModelRef>> model) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                ownWrites.changed(null, object, () -> model.apply(object).ifPresent(enqueue));
            }

            @Override
            public void onUpdate(T before, T after) {
                ownWrites.changed(before, after, () -> model.apply(after).ifPresent(enqueue));
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                ownWrites.deleted(object, () -> model.apply(object).ifPresent(enqueue));
            }
        };
    }

    /**
     * Runs one of our writes of {@code target} (an object of a model, or the model itself), so that its echo from
     * the watch does not queue the model again (see {@link OwnWrites}).
     */
    <T extends HasMetadata> T write(HasMetadata target, java.util.function.Supplier<T> write) {
        return ownWrites.write(target, write);
    }

    private void onCrd(CustomResourceDefinition crd) {
        var name = crd.getMetadata().getName();
        if (name.equals(PassthroughModel.CRD_NAME) && established(crd) && models != null) {
            starter.execute(this::startPassthroughInformer);
            return;
        }
        var watched = java.util.Arrays.stream(ChildKind.values()).filter(k -> k.crd().map(name::equals).orElse(false)).toList();
        if (watched.isEmpty()) {
            return;
        }
        var established = established(crd);
        var changed = established ? establishedCrds.add(name) : establishedCrds.remove(name);
        if (!changed || models == null) {
            return; // during start(): the child informers are started right after the CRD list is synced
        }
        log.info("CRD {} {}: re-reconciling every model", name, established ? "installed" : "removed");
        starter.execute(() -> {
            for (var kind : watched) {
                if (established) {
                    startChildInformer(kind);
                } else {
                    var informer = children.remove(kind);
                    if (informer != null) {
                        informer.stop();
                    }
                }
            }
            allModels().forEach(enqueue);
        });
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd.getMetadata().getDeletionTimestamp() == null && crd.getStatus() != null
                && crd.getStatus().getConditions() != null && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    boolean installed(ChildKind kind) {
        return kind.crd().isEmpty() ? true : children.containsKey(kind) && establishedCrds.contains(kind.crd().get());
    }

    Optional<LLMModel> model(ModelRef key) {
        return models == null ? Optional.empty()
                : Optional.ofNullable(models.getStore().getByKey(Cache.namespaceKeyFunc(key.namespace(), key.name())));
    }

    /** Every LLMModel and every external provider: the units of work. */
    List<ModelRef> allModels() {
        var all = new ArrayList<ModelRef>();
        if (models != null) {
            models.getStore().list().stream().map(ModelRef::of).forEach(all::add);
        }
        allPassthroughObjects().stream().map(ModelRef::of).forEach(all::add);
        return all;
    }

    Optional<PassthroughModel> passthrough(ModelRef key) {
        var informer = passthroughs;
        return informer == null ? Optional.empty()
                : Optional.ofNullable(informer.getStore().getByKey(Cache.namespaceKeyFunc(key.namespace(), key.name())));
    }

    List<PassthroughModel> allPassthroughObjects() {
        var informer = passthroughs;
        return informer == null ? List.of() : informer.getStore().list();
    }

    List<LLMModel> allModelObjects() {
        return models == null ? List.of() : models.getStore().list();
    }

    Optional<GenericKubernetesResource> child(ChildKind kind, String namespace, String name) {
        var informer = children.get(kind);
        return informer == null ? Optional.empty()
                : Optional.ofNullable(informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    /** Every object of ours that belongs to the model, in any namespace, by kind. */
    Map<ChildKind, List<GenericKubernetesResource>> children(ModelRef key) {
        var result = new EnumMap<ChildKind, List<GenericKubernetesResource>>(ChildKind.class);
        children.forEach((kind, informer) -> result.put(kind, informer.getIndexer().byIndex(BY_MODEL, key.toString())));
        return result;
    }

    List<Pod> pods(ModelRef key) {
        return pods == null ? List.of() : pods.getIndexer().byIndex(BY_MODEL, key.toString());
    }

    /** The namespace's labels from the cache; empty when it is not there (or not watched yet). */
    Optional<Map<String, String>> namespaceLabels(String namespace) {
        var ns = namespaces == null ? null : namespaces.getStore().getByKey(namespace);
        return ns == null ? Optional.empty() : Optional.of(ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels());
    }

    private void enqueueNamespace(String namespace) {
        allModels().stream().filter(k -> k.namespace().equals(namespace)).forEach(enqueue);
    }

    private void enqueueOwner(HasMetadata object) {
        ownerOf(object).ifPresent(enqueue);
    }

    static Optional<ModelRef> ownerOf(HasMetadata object) {
        var labels = object.getMetadata().getLabels();
        if (labels == null || labels.get(ModelObjects.MODEL) == null || labels.get(ModelObjects.MODEL).isBlank()) {
            return Optional.empty();
        }
        var namespace = labels.getOrDefault(ModelObjects.MODEL_NAMESPACE, object.getMetadata().getNamespace());
        return Optional.of(new ModelRef(namespace, labels.get(ModelObjects.MODEL)));
    }

    private static List<String> modelIndex(HasMetadata object) {
        return ownerOf(object).map(key -> List.of(key.toString())).orElse(List.of());
    }

    @Override
    public synchronized void close() {
        var all = new ArrayList<SharedIndexInformer<?>>(children.values());
        children.clear();
        if (models != null) {
            all.add(models);
        }
        if (passthroughs != null) {
            all.add(passthroughs);
        }
        if (pods != null) {
            all.add(pods);
        }
        if (namespaces != null) {
            all.add(namespaces);
        }
        if (crds != null) {
            all.add(crds);
        }
        all.forEach(SharedIndexInformer::stop);
        models = null;
        passthroughs = null;
        pods = null;
        namespaces = null;
        crds = null;
        starter.shutdownNow();
    }
}
