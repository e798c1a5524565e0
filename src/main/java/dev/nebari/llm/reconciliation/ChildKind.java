package dev.nebari.llm.reconciliation;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Every kind the operator creates for a model, with the CRD it needs (none for built-in kinds) and the
 * condition that reports on it when that CRD is not installed.
 */
enum ChildKind {
    PERSISTENT_VOLUME_CLAIM("v1", "PersistentVolumeClaim", null, null),
    SERVICE_ACCOUNT("v1", "ServiceAccount", null, null),
    CONFIG_MAP("v1", "ConfigMap", null, null),
    SERVICE("v1", "Service", null, null),
    DEPLOYMENT("apps/v1", "Deployment", null, null),
    NETWORK_POLICY("networking.k8s.io/v1", "NetworkPolicy", null, null),
    ROLE("rbac.authorization.k8s.io/v1", "Role", null, null),
    ROLE_BINDING("rbac.authorization.k8s.io/v1", "RoleBinding", null, null),
    POD_MONITOR("monitoring.coreos.com/v1", "PodMonitor", "podmonitors.monitoring.coreos.com", ConditionType.WORKLOAD_READY),
    INFERENCE_POOL("inference.networking.k8s.io/v1", "InferencePool", "inferencepools.inference.networking.k8s.io",
            ConditionType.SCHEDULER_READY),
    AI_GATEWAY_ROUTE("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute", "aigatewayroutes.aigateway.envoyproxy.io",
            null),
    SECURITY_POLICY("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy", "securitypolicies.gateway.envoyproxy.io",
            ConditionType.ACCESS_CONTROL_CONFIGURED),
    BACKEND_TRAFFIC_POLICY("gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy",
            "backendtrafficpolicies.gateway.envoyproxy.io", ConditionType.ACCESS_CONTROL_CONFIGURED),
    REFERENCE_GRANT("gateway.networking.k8s.io/v1beta1", "ReferenceGrant", "referencegrants.gateway.networking.k8s.io",
            ConditionType.ACCESS_CONTROL_CONFIGURED);

    private final String apiVersion;
    private final String kind;
    private final @Nullable String crd;
    private final @Nullable ConditionType reportedBy;

    ChildKind(String apiVersion, String kind, @Nullable String crd, @Nullable ConditionType reportedBy) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.crd = crd;
        this.reportedBy = reportedBy;
    }

    String apiVersion() {
        return apiVersion;
    }

    String kind() {
        return kind;
    }

    /** The CRD this kind needs, or empty for a built-in kind. */
    Optional<String> crd() {
        return Optional.ofNullable(crd);
    }

    /**
     * Kinds the operator creates only in the keys namespace, where its Role (not a ClusterRole) lets it watch them;
     * their informer is scoped to that namespace.
     */
    boolean livesInKeysNamespace() {
        return this == REFERENCE_GRANT;
    }

    /** The condition that turns False with reason CRDNotInstalled when the CRD is missing (routes: per side). */
    Optional<ConditionType> reportedBy() {
        return Optional.ofNullable(reportedBy);
    }

    static Optional<ChildKind> of(String apiVersion, String kind) {
        for (var child : values()) {
            if (child.kind.equals(kind) && child.apiVersion.equals(apiVersion)) {
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }
}
