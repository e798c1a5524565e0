package dev.nebari.llm.platform;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A client for watching objects in their generic form ({@code GenericKubernetesResource}) at the cost of one decode.
 *
 * <p>fabric8's serialisation maps every built-in kind to its class. A watch of generic objects therefore decodes a
 * Deployment event into a {@code Deployment} first, and then converts that into the generic form (fabric8's
 * {@code AbstractWatchManager}): two decodes and an encode per event, 35 % of the operator's watch threads' samples
 * while 300 models were created (bench/scale, JFR). This client's serialisation knows no kinds, so every object
 * decodes straight into the generic form, and without {@code metadata.managedFields} ({@link WithoutManagedFields}).
 *
 * <p>It shares the given client's HTTP client (so its connections, interceptors and request counting) and executor
 * ({@link LeanClient}).
 */
public final class UntypedClient {

    private final KubernetesClient typed;
    private final KubernetesClient untyped;

    private UntypedClient(KubernetesClient typed, KubernetesClient untyped) {
        this.typed = typed;
        this.untyped = untyped;
    }

    /** A client on {@code client}'s connection whose serialisation decodes every object as a generic one. */
    public static UntypedClient of(KubernetesClient client) {
        // A lean client that knows no kinds: no search of the class path for the model classes, and no
        // managedFields, which the caches fed from this client drop anyway (LeanItemStore).
        return new UntypedClient(client, LeanClient.withoutManagedFields(client));
    }

    /**
     * The objects of one kind, decoded as generic ones. A built-in kind's resource (its plural, whether it is
     * namespaced) is taken from its model class, which this client's serialisation does not know; other kinds are
     * looked up from the API server, as fabric8 does.
     */
    public MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            resources(String apiVersion, String kind) {
        var type = typed.getKubernetesSerialization().getRegisteredKubernetesResource(apiVersion, kind);
        return type == null ? untyped.genericKubernetesResources(apiVersion, kind)
                : untyped.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(type));
    }

    /** The serialisation that decodes every object as a generic one. */
    public KubernetesSerialization serialization() {
        return untyped.getKubernetesSerialization();
    }
}
