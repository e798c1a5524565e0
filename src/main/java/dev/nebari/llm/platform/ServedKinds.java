package dev.nebari.llm.platform;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/**
 * Whether the API server serves a custom kind, asked with nothing more than permission to list it (one object at
 * most). Helm installs a chart's CRDs only on the first install, so after an upgrade a newer kind may be missing
 * until the admin applies its CRD; an informer on it would never sync.
 */
public final class ServedKinds {

    private ServedKinds() {
    }

    public static boolean served(KubernetesClient client, Class<? extends HasMetadata> kind) {
        return served(() -> client.resources(kind).inAnyNamespace().list(ONE));
    }

    /** The same for a kind fabric8 has no class for (third-party CRDs). */
    public static boolean served(KubernetesClient client, String apiVersion, String kind) {
        // Discovery first: the client cannot even name the resource of a kind the API server does not list.
        io.fabric8.kubernetes.api.model.APIResourceList resources;
        try {
            resources = client.getApiResources(apiVersion);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            throw e;
        }
        if (resources == null || resources.getResources().stream().noneMatch(r -> kind.equals(r.getKind()))) {
            return false;
        }
        return served(() -> client.genericKubernetesResources(apiVersion, kind).inAnyNamespace().list(ONE));
    }

    private static final io.fabric8.kubernetes.api.model.ListOptions ONE =
            new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build();

    private static boolean served(Runnable list) {
        try {
            list.run();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }
}
