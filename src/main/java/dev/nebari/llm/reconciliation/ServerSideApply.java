package dev.nebari.llm.reconciliation;

import dev.nebari.llm.platform.WithoutManagedFields;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.internal.OperationSupport;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.HttpURLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * How the operator writes what it renders, and how it names what the API server refused: shared by the model
 * reconciler and the pack-wide syncs (shared listeners, the key-check route). Every write is a server-side apply
 * under one of the pack's field managers that forces conflicts: the fields it sets are the pack's, so another
 * manager's value there is taken over, as {@code kubectl apply --server-side --force-conflicts} does.
 */
final class ServerSideApply {

    private static final String NO_STORED_VERSION = "1";
    private static final String APPLY_PATCH = "application/apply-patch+yaml";
    /**
     * Reads the API server's answers to applies without {@code metadata.managedFields} ({@link WithoutManagedFields}):
     * nothing reads them from an answer, and parsing answers was the largest part of an apply (JFR). Answers are read
     * in the generic form, as the informers keep the same objects: their readers want the version, annotations and
     * status, and typed answers had this mapper build and keep a deserializer for every kind applied (4 MB of the
     * operator's heap at 300 models, a heap dump), only for the readers to convert them to the generic form.
     */
    private static final KubernetesSerialization ANSWERS =
            new KubernetesSerialization(WithoutManagedFields.mapper(), false);
    /** Where each kind's objects live, by master URL, API version and kind: a few dozen for a whole pack. */
    private static final Map<String, Resources> RESOURCES = new ConcurrentHashMap<>();

    /** {@code <master>/apis/<group>/<version>} (core kinds: {@code /api/v1}) and the kind's plural. */
    private record Resources(String groupVersion, String plural) {

        String url(HasMetadata object) {
            var namespace = object.getMetadata().getNamespace();
            return groupVersion + (namespace == null || namespace.isEmpty() ? "" : "/namespaces/" + namespace)
                    + "/" + plural + "/" + object.getMetadata().getName();
        }
    }

    private ServerSideApply() {
    }

    /**
     * Applies {@code desired}; the answer is the object as the API server stored it, in the generic form.
     *
     * <p>One PATCH with the apply content type, sent through the client's HTTP client (its authentication, retries
     * and request timeout) to a path whose kind part is looked up once ({@link Resources}): fabric8's
     * resource DSL builds and parses the whole URL again at every request, with regular expressions, which was 5 % of
     * the operator's samples both while models were applied and while keys were minted (bench/scale, JFR). The body
     * is serialised by the client's serialisation, the answer read without managed fields ({@link #ANSWERS}), and
     * failures are the client's own exceptions (code and status), as from the DSL.
     */
    static GenericKubernetesResource apply(KubernetesClient client, HasMetadata desired, String fieldManager) {
        var serialization = client.getKubernetesSerialization();
        var http = client.getHttpClient();
        var url = resources(client, desired).url(desired) + "?fieldManager="
                + URLEncoder.encode(fieldManager, StandardCharsets.UTF_8) + "&force=true";
        var request = http.newHttpRequestBuilder()
                .uri(url)
                .method("PATCH", APPLY_PATCH, serialization.asJson(desired))
                .timeout(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS)
                .build();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(request, String.class).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationSupport.requestException(request, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KubernetesClientException failure) {
                throw failure;
            }
            throw OperationSupport.requestException(request, e.getCause() instanceof Exception cause ? cause : e);
        }
        if (!response.isSuccessful()) {
            throw OperationSupport.requestFailure(request, OperationSupport.createStatus(response, serialization));
        }
        return ANSWERS.unmarshal(response.body(), GenericKubernetesResource.class);
    }

    private static Resources resources(KubernetesClient client, HasMetadata object) {
        var key = client.getMasterUrl() + " " + object.getApiVersion() + " " + object.getKind();
        return RESOURCES.computeIfAbsent(key, k -> {
            var base = client.getMasterUrl().toString().replaceAll("/+$", "");
            var apiVersion = object.getApiVersion();
            var groupVersion = base + (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion;
            return new Resources(groupVersion, plural(client, object));
        });
    }

    /** The resource name of the object's kind: from its class if typed, else from the API server's discovery. */
    private static String plural(KubernetesClient client, HasMetadata object) {
        if (!(object instanceof GenericKubernetesResource)) {
            return HasMetadata.getPlural(object.getClass());
        }
        var resources = client.getApiResources(object.getApiVersion());
        if (resources != null) {
            for (var resource : resources.getResources()) {
                if (object.getKind().equals(resource.getKind()) && !resource.getName().contains("/")) {
                    return resource.getName();
                }
            }
        }
        throw new KubernetesClientException(OperationSupport.createStatus(HttpURLConnection.HTTP_NOT_FOUND,
                "the API server serves no kind " + object.getKind() + " in " + object.getApiVersion()));
    }

    /**
     * Creates {@code desired} by server-side apply only where no object has its name; where one has, the API server
     * answers 409 Conflict ({@link #taken}) and writes nothing. Server-side apply has no create-only mode, but it
     * honours a resource version in the applied object as a precondition, and this one no stored object carries
     * (etcd counts revisions from 1 and gives every write a later one). This spares a read before every create.
     */
    static GenericKubernetesResource create(KubernetesClient client, HasMetadata desired, String fieldManager) {
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
