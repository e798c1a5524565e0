package dev.nebari.llm.catalog;

import dev.nebari.llm.keys.ModelAccess;
import dev.nebari.llm.keys.ModelAccessLookup;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.platform.LeanItemStore;
import dev.nebari.llm.platform.ServedKinds;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The LLMModels and external providers (PassthroughModels) of every namespace, from informers (the portal may get,
 * list and watch both cluster-wide), so listing models costs no request to the API server. A key is for either kind:
 * admission keeps their names apart within a namespace, so {@code namespace/name} names one of them.
 */
public class ModelCatalog implements ModelAccessLookup, AutoCloseable {

    private static final Comparator<LLMModel> BY_NAMESPACE_AND_NAME = Comparator
            .comparing((LLMModel m) -> m.getMetadata().getNamespace())
            .thenComparing(m -> m.getMetadata().getName());

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ModelCatalog.class);
    private static final Comparator<PassthroughModel> PROVIDERS_BY_NAMESPACE_AND_NAME = Comparator
            .comparing((PassthroughModel m) -> m.getMetadata().getNamespace())
            .thenComparing(m -> m.getMetadata().getName());

    private final KubernetesClient client;
    private final SharedIndexInformer<LLMModel> informer;
    private final SharedIndexInformer<PassthroughModel> providers;
    /** False when the cluster has no PassthroughModel CRD (CRDs of a chart upgrade not applied yet): none are listed. */
    private volatile boolean providersServed = true;
    /** Whether {@link #providersServed} has been asked of the API server yet. */
    private volatile boolean providersChecked;
    private volatile boolean closed;

    public ModelCatalog(KubernetesClient client) {
        this.client = client;
        this.informer = client.resources(LLMModel.class).inAnyNamespace().runnableInformer(0);
        // The pages and the API read spec and status; the field-ownership trees were most of this cache (bench/scale:
        // ~100 small maps per model, the portal's largest share of heap at 1,000 models).
        informer.itemStore(LeanItemStore.withoutManagedFields());
        this.providers = client.resources(PassthroughModel.class).inAnyNamespace().runnableInformer(0);
        providers.itemStore(LeanItemStore.withoutManagedFields());
    }

    /** Starts the informers without waiting for the API server (a start-up needs none, e.g. the image's AOT training). */
    public void start() {
        informer.start();
        Thread.ofVirtual().name("catalog-providers").start(this::startProviders);
    }

    /**
     * Helm installs a chart's CRDs only on the first install: after an upgrade the PassthroughModel CRD may be missing
     * until the admin applies it, and an informer on it would never sync (and the portal never be ready). So the kind
     * is checked first, once the API server answers (asked again every 5 s until then; readiness waits for it).
     */
    private void startProviders() {
        while (!closed) {
            try {
                providersServed = ServedKinds.served(client, PassthroughModel.class);
                if (providersServed) {
                    providers.start();
                } else {
                    log.warn("The cluster has no {} CRD, so external providers are not listed: apply the chart's crds/ "
                            + "(Helm installs CRDs only on the first install) and restart the portal", PassthroughModel.CRD_NAME);
                }
                providersChecked = true;
                return;
            } catch (KubernetesClientException e) {
                log.debug("cannot ask the API server for the {} kind yet: {}", PassthroughModel.CRD_NAME, e.getMessage());
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Every model, by namespace and name. */
    public List<LLMModel> all() {
        return informer.getStore().list().stream().sorted(BY_NAMESPACE_AND_NAME).toList();
    }

    /** The models someone in {@code groups} may use (public, or one of the groups listed), as every list shows them. */
    public List<LLMModel> permittedTo(Set<String> groups) {
        return all().stream().filter(model -> ModelAccess.permits(groups, model.getSpec().access())).toList();
    }

    public Optional<LLMModel> find(ModelRef model) {
        return Optional.ofNullable(informer.getStore().getByKey(Cache.namespaceKeyFunc(model.namespace(), model.name())));
    }

    /** Every external provider, by namespace and name. */
    public List<PassthroughModel> allProviders() {
        return providers.getStore().list().stream().sorted(PROVIDERS_BY_NAMESPACE_AND_NAME).toList();
    }

    /** The external providers someone in {@code groups} may use, by the same rule as models. */
    public List<PassthroughModel> providersPermittedTo(Set<String> groups) {
        return allProviders().stream().filter(provider -> ModelAccess.permits(groups, provider.getSpec().access())).toList();
    }

    public Optional<PassthroughModel> findProvider(ModelRef provider) {
        return Optional.ofNullable(providers.getStore().getByKey(Cache.namespaceKeyFunc(provider.namespace(), provider.name())));
    }

    /** The access of the model or external provider of that name: what a key for it is minted against. */
    @Override
    public Optional<AccessSpec> currentAccess(ModelRef model) {
        return find(model).map(m -> m.getSpec().access())
                .or(() -> findProvider(model).map(provider -> provider.getSpec().access()));
    }

    /**
     * The model and the other revisions of its id in its namespace that agree with it on what callers see (as the
     * operator groups them, short of its seniority rule among conflicting models), by name; just the model when it
     * does not set {@code spec.traffic}.
     */
    public List<LLMModel> revisionsOf(LLMModel model) {
        if (model.getSpec().traffic() == null) {
            return List.of(model);
        }
        var revisions = new java.util.ArrayList<LLMModel>();
        revisions.add(model);
        all().stream()
                .filter(other -> !other.getMetadata().getName().equals(model.getMetadata().getName())
                        || !other.getMetadata().getNamespace().equals(model.getMetadata().getNamespace()))
                .filter(other -> other.getMetadata().getDeletionTimestamp() == null)
                .filter(other -> ModelIdSharing.revisionsOfOneId(model, other) && ModelIdSharing.conflict(model, other).isEmpty())
                .forEach(revisions::add);
        revisions.sort(Comparator.comparing(m -> m.getMetadata().getName()));
        return List.copyOf(revisions);
    }

    /** The model's share of its id's requests among {@link #revisionsOf}, when it sets {@code spec.traffic}. */
    public Optional<TrafficShare> trafficShare(LLMModel model) {
        if (model.getSpec().traffic() == null) {
            return Optional.empty();
        }
        var others = revisionsOf(model).stream().filter(other -> other != model).toList();
        var weight = model.getSpec().traffic().weight();
        var total = weight + others.stream().mapToInt(other -> other.getSpec().traffic().weight()).sum();
        return Optional.of(new TrafficShare(weight, total, others.stream().map(other -> other.getMetadata().getName()).toList()));
    }

    public boolean hasSynced() {
        return informer.hasSynced() && providersChecked && (!providersServed || providers.hasSynced());
    }

    @Override
    public void close() {
        closed = true;
        informer.close();
        providers.close();
    }
}
