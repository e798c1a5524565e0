package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.LeanItemStore;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Answers the rules with reads from the API server, which every replica can make. The models come from an informer
 * of this lookup's own (every replica serves the webhook, not only the leader whose reconciler has one), kept without
 * managed fields and status, which no rule reads: before, every review listed every model from the API server, so N
 * creates cost N lists of N models (bench/scale: the whole application 2-5x slower than the reconciler alone at
 * 300-1,000 models). Until its first list is in, a review lists from the API server's watch cache
 * ({@code resourceVersion=0}) instead. Either may be a moment behind; two models created that close together with
 * one id are settled by the reconciler (the older keeps the id), which is why a slightly stale list is acceptable.
 * Namespaces (whether the model's is managed) and external providers come from watched caches as well.
 */
final class ApiServerLookup implements ClusterLookup, AutoCloseable {

    private final KubernetesClient client;
    private final SharedIndexInformer<LLMModel> models;
    /** Namespaces' names and labels only: a review asks whether the model's namespace is managed. */
    private final SharedIndexInformer<Namespace> namespaces;
    /** External providers, watched once a review found their kind served (a chart older than the operator has no CRD). */
    private volatile @Nullable SharedIndexInformer<PassthroughModel> providers;

    ApiServerLookup(KubernetesClient client) {
        this.client = client;
        this.models = client.resources(LLMModel.class).inAnyNamespace().runnableInformer(0);
        models.itemStore(LeanItemStore.withoutManagedFieldsAnd(model -> model.setStatus(null)));
        // Indexed by what they claim: a review compared a new model with every model, so N creates cost N²
        // comparisons (7 % of the operator's CPU while 1,000 models were created, bench/scale, JFR).
        ModelIdSharing.indexByClaims(models);
        models.start();
        this.namespaces = client.namespaces().runnableInformer(0);
        namespaces.itemStore(LeanItemStore.withoutManagedFieldsAnd(namespace -> {
            namespace.setSpec(null);
            namespace.setStatus(null);
            namespace.getMetadata().setAnnotations(null);
        }));
        namespaces.start();
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        var found = namespaces.hasSynced() ? namespaces.getStore().getByKey(namespace) : client.namespaces().withName(namespace).get();
        if (found == null) {
            return Optional.empty();
        }
        var labels = found.getMetadata().getLabels();
        return Optional.of(labels == null ? Map.of() : labels);
    }

    @Override
    public List<LLMModel> modelsClaiming(Collection<String> claims) {
        if (!models.hasSynced()) {
            return ClusterLookup.super.modelsClaiming(claims);
        }
        return ModelIdSharing.claimingAny(models, claims);
    }

    @Override
    public List<LLMModel> models() {
        if (models.hasSynced()) {
            return models.getStore().list();
        }
        return client.resources(LLMModel.class).inAnyNamespace()
                .list(new ListOptionsBuilder().withResourceVersion("0").build()).getItems();
    }

    @Override
    public void close() {
        models.close();
        namespaces.close();
        var watching = providers;
        if (watching != null) {
            watching.close();
        }
    }

    /**
     * External providers: from a watched cache once their kind has answered a list (every review listed them before,
     * two requests per model created), until then from the API server's watch cache.
     */
    @Override
    public List<PassthroughModel> passthroughModels() {
        var watching = providers;
        if (watching != null && watching.hasSynced()) {
            return watching.getStore().list();
        }
        List<PassthroughModel> listed;
        try {
            listed = client.resources(PassthroughModel.class).inAnyNamespace()
                    .list(new ListOptionsBuilder().withResourceVersion("0").build()).getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return List.of(); // the CRD is not installed (a chart older than the operator)
            }
            throw e;
        }
        watchProviders();
        return listed;
    }

    private synchronized void watchProviders() {
        if (providers == null) {
            var informer = client.resources(PassthroughModel.class).inAnyNamespace().<PassthroughModel>runnableInformer(0);
            informer.itemStore(LeanItemStore.withoutManagedFieldsAnd(provider -> provider.setStatus(null)));
            informer.start();
            providers = informer;
        }
    }

    @Override
    public SecretPresence secret(String namespace, String name) {
        try {
            return client.secrets().inNamespace(namespace).withName(name).get() != null
                    ? SecretPresence.PRESENT
                    : SecretPresence.ABSENT;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
                return SecretPresence.FORBIDDEN;
            }
            throw e;
        }
    }
}
