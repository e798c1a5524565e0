package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers the rules with direct API reads, not an informer cache: two models created a moment apart must see each
 * other, and a cache may lag behind the very write that would conflict.
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
        return client.resources(LLMModel.class).inAnyNamespace().list().getItems();
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
