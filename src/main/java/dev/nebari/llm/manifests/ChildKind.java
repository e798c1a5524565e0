package dev.nebari.llm.manifests;

import static dev.nebari.llm.gateway.GatewayFacts.*;

import dev.nebari.llm.serving.ServingFacts;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Every kind rendered for a model, with the CRD it needs (none for built-in kinds). API versions and kinds come
 * from the types fabric8 knows (built-in kinds) or from the facts the renderers write them with.
 */
public enum ChildKind {
    PERSISTENT_VOLUME_CLAIM(PersistentVolumeClaim.class),
    SERVICE_ACCOUNT(ServiceAccount.class),
    CONFIG_MAP(ConfigMap.class),
    SERVICE(Service.class),
    DEPLOYMENT(Deployment.class),
    HORIZONTAL_POD_AUTOSCALER(HorizontalPodAutoscaler.class),
    NETWORK_POLICY(NetworkPolicy.class),
    ROLE(Role.class),
    ROLE_BINDING(RoleBinding.class),
    POD_MONITOR(ServingFacts.POD_MONITOR_API_VERSION, ServingFacts.POD_MONITOR_KIND, ServingFacts.POD_MONITOR_CRD),
    INFERENCE_POOL(INFERENCE_POOL_API_VERSION, INFERENCE_POOL_KIND, INFERENCE_POOL_CRD),
    BACKEND(ENVOY_GATEWAY_API_VERSION, BACKEND_KIND, BACKEND_CRD),
    AI_SERVICE_BACKEND(AI_GATEWAY_ROUTE_API_VERSION, AI_SERVICE_BACKEND_KIND, AI_SERVICE_BACKEND_CRD),
    AI_GATEWAY_ROUTE(AI_GATEWAY_ROUTE_API_VERSION, AI_GATEWAY_ROUTE_KIND, AI_GATEWAY_ROUTE_CRD),
    SECURITY_POLICY(ENVOY_GATEWAY_API_VERSION, SECURITY_POLICY_KIND, SECURITY_POLICY_CRD),
    BACKEND_TRAFFIC_POLICY(ENVOY_GATEWAY_API_VERSION, BACKEND_TRAFFIC_POLICY_KIND, BACKEND_TRAFFIC_POLICY_CRD),
    REFERENCE_GRANT(REFERENCE_GRANT_API_VERSION, REFERENCE_GRANT_KIND, REFERENCE_GRANT_CRD),
    // an external provider's (PassthroughModel) only; its Backend and AIServiceBackend are above (revisions have them too)
    BACKEND_TLS_POLICY(BACKEND_TLS_POLICY_API_VERSION, BACKEND_TLS_POLICY_KIND, BACKEND_TLS_POLICY_CRD),
    BACKEND_SECURITY_POLICY(AI_GATEWAY_ROUTE_API_VERSION, BACKEND_SECURITY_POLICY_KIND, BACKEND_SECURITY_POLICY_CRD);

    private final String apiVersion;
    private final String kind;
    private final @Nullable String crd;

    ChildKind(Class<? extends HasMetadata> builtIn) {
        this(HasMetadata.getApiVersion(builtIn), HasMetadata.getKind(builtIn), null);
    }

    ChildKind(String apiVersion, String kind, @Nullable String crd) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.crd = crd;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public String kind() {
        return kind;
    }

    /** The CRD this kind needs, or empty for a built-in kind. */
    public Optional<String> crd() {
        return Optional.ofNullable(crd);
    }

    /**
     * Kinds rendered only in the keys namespace, where the operator's Role (not a ClusterRole) lets it watch them;
     * their informer is scoped to that namespace.
     */
    public boolean livesInKeysNamespace() {
        return this == REFERENCE_GRANT;
    }

    /**
     * Kinds rendered only for an external provider (PassthroughModel); an LLMModel has none of them (its Backend and
     * AIServiceBackend, for a weighted revision, are of kinds a provider has too).
     */
    public boolean providerOnly() {
        return this == BACKEND_TLS_POLICY || this == BACKEND_SECURITY_POLICY;
    }

    /** The kind of a rendered object; the renderers produce no other. */
    static ChildKind of(HasMetadata object) {
        for (var child : values()) {
            if (child.kind.equals(object.getKind()) && child.apiVersion.equals(object.getApiVersion())) {
                return child;
            }
        }
        throw new IllegalStateException("the renderers produced an unmanaged kind " + object.getApiVersion() + " "
                + object.getKind());
    }
}
