package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers the rules with reads from the API server, which every replica can make (only the leader runs informers).
 * The list of all models is served from the API server's watch cache ({@code resourceVersion=0}), not a quorum
 * read of etcd: every LLMModel write in the cluster causes one, and a flood of reviews must not turn into a flood of
 * etcd reads. The watch cache may be a moment behind; two models created that close together with one id are
 * settled by the reconciler (the older keeps the id), which is why a slightly stale list is acceptable here.
 */
final class ApiServerLookup implements ClusterLookup {

    private final KubernetesClient client;

    ApiServerLookup(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        var found = client.namespaces().withName(namespace).get();
        if (found == null) {
            return Optional.empty();
        }
        var labels = found.getMetadata().getLabels();
        return Optional.of(labels == null ? Map.of() : labels);
    }

    @Override
    public List<LLMModel> models() {
        return client.resources(LLMModel.class).inAnyNamespace()
                .list(new ListOptionsBuilder().withResourceVersion("0").build()).getItems();
    }

    @Override
    public List<PassthroughModel> passthroughModels() {
        try {
            return client.resources(PassthroughModel.class).inAnyNamespace()
                    .list(new ListOptionsBuilder().withResourceVersion("0").build()).getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return List.of(); // the CRD is not installed (a chart older than the operator)
            }
            throw e;
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
