package dev.nebari.llm.reconciliation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Edits a model (or an external provider) with a JSON patch computed against the object as this pass knows it (no
 * read first). fabric8 puts the known resourceVersion into the patch, so the API server refuses it when the object
 * changed meanwhile (a stale cache); then the edit is repeated against the object read from the API server. The
 * write goes through {@link ClusterView#write}, so its echo does not queue the object again.
 */
final class LatestEdit {

    private LatestEdit() {
    }

    static <T extends HasMetadata> T edit(KubernetesClient client, ClusterView view, Class<T> type, T known,
            Consumer<T> change, boolean status) {
        UnaryOperator<T> edit = current -> {
            change.accept(current);
            return current;
        };
        try {
            var base = client.resource(client.getKubernetesSerialization().clone(known));
            return view.write(known, () -> status ? base.editStatus(edit) : base.edit(edit));
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            var stored = client.resources(type).inNamespace(known.getMetadata().getNamespace())
                    .withName(known.getMetadata().getName());
            return view.write(known, () -> status ? stored.editStatus(edit) : stored.edit(edit));
        }
    }
}
