package dev.nebari.llm.reconciliation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * How the operator writes what it renders, and how it names what the API server refused: shared by the model
 * reconciler and the pack-wide syncs (shared listeners, the key-check route). Every write is a server-side apply
 * under one of the pack's field managers that forces conflicts: the fields it sets are the pack's, so another
 * manager's value there is taken over, as {@code kubectl apply --server-side --force-conflicts} does.
 */
final class ServerSideApply {

    private ServerSideApply() {
    }

    /** Applies {@code desired}; the answer is the object as the API server stored it. */
    static <T extends HasMetadata> T apply(KubernetesClient client, T desired, String fieldManager) {
        return client.resource(desired).fieldManager(fieldManager).forceConflicts().serverSideApply();
    }

    /** {@code Deployment team-a/llama}: how status messages and logs name an object. */
    static String describe(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    /** The API server's own message (without the request URL), e.g. 'namespaces "llm-api-keys" not found'. */
    static String reason(KubernetesClientException e) {
        var status = e.getStatus();
        return status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
    }
}
