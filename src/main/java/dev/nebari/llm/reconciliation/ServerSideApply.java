package dev.nebari.llm.reconciliation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/**
 * How the operator writes what it renders, and how it names what the API server refused: shared by the model
 * reconciler and the pack-wide syncs (shared listeners, the key-check route). Every write is a server-side apply
 * under one of the pack's field managers that forces conflicts: the fields it sets are the pack's, so another
 * manager's value there is taken over, as {@code kubectl apply --server-side --force-conflicts} does.
 */
final class ServerSideApply {

    private static final String NO_STORED_VERSION = "1";

    private ServerSideApply() {
    }

    /** Applies {@code desired}; the answer is the object as the API server stored it. */
    static <T extends HasMetadata> T apply(KubernetesClient client, T desired, String fieldManager) {
        return client.resource(desired).fieldManager(fieldManager).forceConflicts().serverSideApply();
    }

    /**
     * Creates {@code desired} by server-side apply only where no object has its name; where one has, the API server
     * answers 409 Conflict ({@link #taken}) and writes nothing. Server-side apply has no create-only mode, but it
     * honours a resource version in the applied object as a precondition, and this one no stored object carries
     * (etcd counts revisions from 1 and gives every write a later one). This spares a read before every create.
     */
    static <T extends HasMetadata> T create(KubernetesClient client, T desired, String fieldManager) {
        var metadata = desired.getMetadata();
        var version = metadata.getResourceVersion();
        metadata.setResourceVersion(NO_STORED_VERSION);
        try {
            return apply(client, desired, fieldManager);
        } finally {
            metadata.setResourceVersion(version);
        }
    }

    /** Whether {@link #create} found the name taken. */
    static boolean taken(KubernetesClientException e) {
        return e.getCode() == HttpURLConnection.HTTP_CONFLICT;
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
