package dev.nebari.llm.gateway;

import java.util.List;

/**
 * The upstream facts the gateway renderers rely on, in one place, each with the version it was read from.
 * Tested set: Envoy AI Gateway v1.1.0, Envoy Gateway v1.8.3, Gateway API v1.5.1, Gateway API Inference Extension
 * v1.6.0 (InferencePool), llm-d router v0.10.0 (InferenceObjective). docs/rendering.md says how the renderers use
 * them; the data-path tests (docs/testing.md) check them against a real Envoy AI Gateway.
 */
public final class GatewayFacts {

    private GatewayFacts() {
    }

    // --- Gateway API Inference Extension ---

    /** InferencePool v1 is the only served version from GIE v1.0; the x-k8s v1alpha2 pool was dropped in v1.5. */
    public static final String INFERENCE_GROUP = "inference.networking.k8s.io";
    public static final String INFERENCE_POOL_API_VERSION = INFERENCE_GROUP + "/v1";
    public static final String INFERENCE_POOL_KIND = "InferencePool";
    public static final String INFERENCE_POOLS = "inferencepools";
    public static final String INFERENCE_POOL_CRD = INFERENCE_POOLS + "." + INFERENCE_GROUP;

    /**
     * InferenceObjective lives in the x-k8s group up to GIE v1.5.0 and in {@code llm-d.ai} from llm-d router v0.9;
     * the v0.10 picker reads whichever is installed, so its Role must allow both.
     */
    public static final String LEGACY_OBJECTIVE_GROUP = "inference.networking.x-k8s.io";
    public static final String LLM_D_OBJECTIVE_GROUP = "llm-d.ai";
    public static final String INFERENCE_OBJECTIVES = "inferenceobjectives";

    /** Endpoint picker ports as the GIE chart names them. AIGW v1.1.0 falls back to 9002 when no port is given. */
    public static final int EPP_GRPC_PORT = 9002;
    public static final int EPP_GRPC_HEALTH_PORT = 9003;
    public static final int EPP_METRICS_PORT = 9090;
    /** The gRPC health service name the picker answers for (GIE chart probes). */
    public static final String EPP_HEALTH_SERVICE = "inference-extension";
    public static final String EPP_CONFIG_KEY = "epp-config.yaml";
    public static final String EPP_CONFIG_DIR = "/etc/epp";

    /**
     * EndpointPickerConfig is still read as {@code inference.networking.x-k8s.io/v1alpha1} by the llm-d picker.
     * The picker exits without a config file, so a minimal one is always written: one profile, a queue scorer and
     * the max-score picker, handled by the single-profile handler.
     */
    public static final String EPP_CONFIG_API_VERSION = "inference.networking.x-k8s.io/v1alpha1";
    public static final String EPP_CONFIG_KIND = "EndpointPickerConfig";

    // --- Envoy AI Gateway ---

    /** v1beta1 is the storage version from AIGW v0.6.0; v1alpha1 is deprecated (same schema in v1.1.0). */
    public static final String AI_GATEWAY_ROUTE_API_VERSION = "aigateway.envoyproxy.io/v1beta1";
    public static final String AI_GATEWAY_ROUTE_KIND = "AIGatewayRoute";
    public static final String AI_GATEWAY_ROUTE_CRD = "aigatewayroutes.aigateway.envoyproxy.io";
    /**
     * Same group and version as the route (v1beta1 on AIGW v1.0.0); a rule lists several with weights, but at most one
     * InferencePool. AIGW replaces a route's reference to it by its {@code backendRef}, which its CRD requires to be an
     * Envoy Gateway Backend: a weighted revision's Service, or an external provider's host.
     */
    public static final String AI_SERVICE_BACKEND_KIND = "AIServiceBackend";
    public static final String AI_SERVICE_BACKEND_CRD = "aiservicebackends.aigateway.envoyproxy.io";
    /** vLLM's port: the model Service's and the InferencePool's target port. */
    public static final int MODEL_SERVER_PORT = 8000;

    public static final String AI_GATEWAY_GROUP = "aigateway.envoyproxy.io";
    /**
     * How AIGW authenticates to a provider. Type {@code APIKey}: AIGW v1.0.0 reads the key from the Secret's data key
     * {@code apiKey} (internal/controller, apiKeyInSecret) and its upstream filter sets
     * {@code Authorization: Bearer <key>} on the request to the provider (internal/backendauth/api_key.go),
     * replacing what came before. Its CRD ships with AIGW's chart, not in the v1.1.0 CRD set the tests install.
     */
    public static final String BACKEND_SECURITY_POLICY_KIND = "BackendSecurityPolicy";
    public static final String BACKEND_SECURITY_POLICY_CRD = "backendsecuritypolicies.aigateway.envoyproxy.io";
    /** The Secret data key AIGW v1.0.0 reads an APIKey policy's key from. */
    public static final String PROVIDER_API_KEY = "apiKey";
    /** The one schema the pack routes to: the OpenAI-compatible API. */
    public static final String OPENAI_SCHEMA = "OpenAI";

    /**
     * AIGW copies the request body's {@code model} into this header and re-evaluates routing. A rule must match
     * only this header: AIGW does not register a model whose rule has other header matches (the predecessor lost
     * models that way).
     */
    public static final String MODEL_HEADER = "x-ai-eg-model";

    /** AIGW writes llmRequestCosts into Envoy dynamic metadata under this namespace, keyed by metadataKey. */
    public static final String COST_METADATA_NAMESPACE = "io.envoy.ai_gateway";
    public static final String INPUT_TOKENS_KEY = "llm_input_token";
    public static final String OUTPUT_TOKENS_KEY = "llm_output_token";
    public static final String TOTAL_TOKENS_KEY = "llm_total_token";

    // --- Envoy Gateway ---

    /** SecurityPolicy and BackendTrafficPolicy are v1alpha1 only, in EG 1.6.7, 1.8.3 and 1.9.0. */
    public static final String ENVOY_GATEWAY_API_VERSION = "gateway.envoyproxy.io/v1alpha1";
    public static final String ENVOY_GATEWAY_GROUP = "gateway.envoyproxy.io";
    public static final String SECURITY_POLICY_KIND = "SecurityPolicy";
    public static final String BACKEND_TRAFFIC_POLICY_KIND = "BackendTrafficPolicy";
    public static final String SECURITY_POLICY_CRD = "securitypolicies." + ENVOY_GATEWAY_GROUP;
    public static final String BACKEND_TRAFFIC_POLICY_CRD = "backendtrafficpolicies." + ENVOY_GATEWAY_GROUP;
    /**
     * Where an AIServiceBackend sends requests (an FQDN endpoint: a model Service or an external provider's host);
     * needs Envoy Gateway's Backend API on, as AI Gateway requires anyway.
     */
    public static final String BACKEND_KIND = "Backend";
    public static final String BACKEND_CRD = "backends." + ENVOY_GATEWAY_GROUP;

    /**
     * OpenAI clients send {@code Authorization: Bearer sk-…}. Envoy's api_key_auth strips a leading
     * {@code Bearer } before the lookup, so the stored key is bare; EG 1.9's own task page contradicts itself on
     * this, and the data-path tests pin it down (their keys go through a real Envoy as {@code Bearer} values).
     */
    public static final String API_KEY_HEADER = "Authorization";

    /** Set by api_key_auth (EG ≥ 1.5, forwardClientIDHeader) with the matched client id; overwrites a spoofed value. */
    public static final String CLIENT_ID_HEADER = "x-llm-client-id";
    /**
     * AI Gateway's metrics carry request headers as attributes when its controller is told which
     * ({@code controller.metricsRequestHeaderAttributes} in its chart, {@code OTEL_AIGW_METRICS_REQUEST_HEADER_ATTRIBUTES}
     * for {@code aigw run}): the client id becomes the Prometheus label {@link #USAGE_CLIENT_ID_LABEL} of
     * {@link #TOKEN_USAGE_METRIC}.
     */
    public static final String USAGE_HEADER_ATTRIBUTES = CLIENT_ID_HEADER + ":llm.client_id," + GatewayFacts.USER_HEADER + ":llm.user";
    public static final String USAGE_CLIENT_ID_LABEL = "llm_client_id";
    /**
     * Set from the JWT on the internal side; usage per key counts only requests without it, so an in-cluster caller
     * who sends someone's client id as a header is never counted as that key.
     */
    public static final String USAGE_USER_LABEL = "llm_user";
    /** AI Gateway v1.0's {@code gen_ai.client.token.usage} histogram, as Prometheus names its sum and count. */
    public static final String TOKEN_USAGE_METRIC = "gen_ai_client_token_usage";
    /** Its {@code gen_ai.token.type} attribute: {@code input}, {@code output} (and {@code total}, not used here). */
    public static final String TOKEN_TYPE_LABEL = "gen_ai_token_type";
    /** Set by jwt_authn claimToHeaders from preferred_username. */
    public static final String USER_HEADER = "x-llm-user";
    /**
     * Set by jwt_authn claimToHeaders from the groups claim, for the backend's information only: EG documents
     * scalar claims for claimToHeaders, so authorization uses the jwt claim match, never this header.
     */
    public static final String GROUPS_HEADER = "x-llm-groups";
    public static final String USERNAME_CLAIM = "preferred_username";
    public static final String JWT_PROVIDER = "oidc";

    /** EG 1.8.3 SecurityPolicy: principal.headers[].values holds at most 256 values, so allow-lists are chunked. */
    public static final int MAX_HEADER_VALUES_PER_RULE = 256;
    /** EG 1.8.3 SecurityPolicy: principal.jwt.claims[].values holds at most 128 values. */
    public static final int MAX_CLAIM_VALUES_PER_RULE = 128;

    // --- Gateway API ---

    public static final String GATEWAY_API_GROUP = "gateway.networking.k8s.io";
    /**
     * Policies cannot target an AIGatewayRoute (EG accepts only gateway.networking.k8s.io targets); AIGW
     * generates an HTTPRoute with the route's own name and namespace, and the policies target that.
     */
    public static final String HTTP_ROUTE_KIND = "HTTPRoute";
    /**
     * BackendTLSPolicy v1 (Gateway API ≥ 1.4; EG ≥ 1.6 reads v1). EG v1.8.3 applies it to an EG Backend it targets:
     * SNI = {@code validation.hostname}, and the CA from {@code wellKnownCACertificates: System} or from the
     * {@code ca.crt} key (else the first key) of a ConfigMap in the policy's namespace.
     */
    public static final String BACKEND_TLS_POLICY_API_VERSION = GATEWAY_API_GROUP + "/v1";
    public static final String BACKEND_TLS_POLICY_KIND = "BackendTLSPolicy";
    public static final String BACKEND_TLS_POLICY_CRD = "backendtlspolicies." + GATEWAY_API_GROUP;
    /** ReferenceGrant v1beta1 is served by Gateway API 1.4–1.6 and is what EG and AIGW watch. */
    public static final String REFERENCE_GRANT_API_VERSION = GATEWAY_API_GROUP + "/v1beta1";
    public static final String REFERENCE_GRANT_KIND = "ReferenceGrant";
    public static final String REFERENCE_GRANT_CRD = "referencegrants." + GATEWAY_API_GROUP;

    /** Gateway v1 (Gateway API ≥ 1.0): listeners are a list-map keyed by {@code name}, at most 64 of them. */
    public static final String GATEWAY_API_VERSION = GATEWAY_API_GROUP + "/v1";
    public static final String GATEWAY_KIND = "Gateway";
    public static final String GATEWAYS = "gateways";
    public static final String GATEWAY_CRD = GATEWAYS + "." + GATEWAY_API_GROUP;
    public static final int HTTPS_PORT = 443;

    // --- cert-manager ---

    /** cert-manager v1 (tested v1.21.1): the Secret is written in the Certificate's namespace. */
    public static final String CERTIFICATE_API_VERSION = "cert-manager.io/v1";
    public static final String CERTIFICATE_KIND = "Certificate";
    public static final String CERTIFICATE_CRD = "certificates.cert-manager.io";

    /** Read verbs, for the picker's Role. */
    public static final List<String> READ = List.of("get", "list", "watch");
}
