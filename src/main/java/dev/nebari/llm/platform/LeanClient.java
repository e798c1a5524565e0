package dev.nebari.llm.platform;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.impl.BaseClient;
import io.fabric8.kubernetes.client.impl.KubernetesClientImpl;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.concurrent.Executor;

/**
 * A client on another client's connection (its HTTP client, so its interceptors and request counting) and executor,
 * with a serialisation of its own; closing it is not needed and would not close them.
 */
public final class LeanClient {

    private LeanClient() {
    }

    /**
     * A client that reads answers and watch events without {@code metadata.managedFields}
     * ({@link WithoutManagedFields}) and knows exactly the given built-in kinds (no search of the class path for the
     * others; with none, every object decodes into the generic form, {@link UntypedClient}). For the key Secrets and
     * audit ConfigMaps: their managed fields list every key's data entry and annotation, about as long again as the
     * keys themselves, decoded at every shard change and thrown away (8 % of the portal's samples went to decoding
     * while minting, JFR).
     */
    @SafeVarargs
    public static KubernetesClient withoutManagedFields(KubernetesClient client,
            Class<? extends KubernetesResource>... kinds) {
        var serialization = new KubernetesSerialization(WithoutManagedFields.mapper(), false);
        for (var kind : kinds) {
            serialization.registerKubernetesResource(kind);
        }
        var executor = client.adapt(BaseClient.class).getExecutor();
        return new KubernetesClientImpl(client.getHttpClient(), client.getConfiguration(), new SharedExecutor(executor),
                serialization);
    }

    /** Hands out the original client's executor and leaves its shutdown to that client. */
    private record SharedExecutor(Executor executor) implements KubernetesClientBuilder.ExecutorSupplier {
        @Override
        public Executor get() {
            return executor;
        }

        @Override
        public void onClose(Executor closed) {
            // the original client owns it
        }
    }
}
