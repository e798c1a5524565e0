package dev.nebari.llm.catalog;

import dev.nebari.llm.keys.ModelAccess;
import dev.nebari.llm.keys.ModelAccessLookup;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.platform.LeanItemStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The LLMModels of every namespace, from an informer (the portal may get, list and watch them cluster-wide), so
 * listing models costs no request to the API server.
 */
public class ModelCatalog implements ModelAccessLookup, AutoCloseable {

    private static final Comparator<LLMModel> BY_NAMESPACE_AND_NAME = Comparator
            .comparing((LLMModel m) -> m.getMetadata().getNamespace())
            .thenComparing(m -> m.getMetadata().getName());

    private final SharedIndexInformer<LLMModel> informer;

    public ModelCatalog(KubernetesClient client) {
        this.informer = client.resources(LLMModel.class).inAnyNamespace().runnableInformer(0);
        // The pages and the API read spec and status; the field-ownership trees were most of this cache (bench/scale:
        // ~100 small maps per model, the portal's largest share of heap at 1,000 models).
        informer.itemStore(LeanItemStore.withoutManagedFields());
    }

    public void start() {
        informer.start();
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

    @Override
    public Optional<AccessSpec> currentAccess(ModelRef model) {
        return find(model).map(m -> m.getSpec().access());
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
        return informer.hasSynced();
    }

    @Override
    public void close() {
        informer.close();
    }
}
