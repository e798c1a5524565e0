package dev.nebari.llm.gateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.model.GroupNames;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who may call the model: the external SecurityPolicy (API keys), the internal one (OIDC JWTs), and the
 * ReferenceGrant that lets the external policy read key Secrets in the keys namespace.
 */
public final class AccessPolicyRenderer {

    private AccessPolicyRenderer() {
    }

    /**
     * API-key authentication against the model's own key Secrets plus an allow-list of its client ids.
     * <ul>
     *   <li>Subdomain mode: the host picks this route before the key check; only the model's keys authenticate,
     *       so any other key, another model's too, is refused with 401. Before the model's first key the policy has
     *       no key Secrets: Envoy Gateway then renders the route's api_key_auth without credentials, Envoy falls
     *       back to the listener-level filter's (Envoy Gateway builds those from the first route with API-key
     *       auth, another model's), so another model's key authenticates and the empty allow-list refuses it: 403.
     *       Seen through Envoy: {@code PassthroughDataPathContract}.</li>
     *   <li>Shared mode: the key check runs before the gateway knows the model (filter order api_key_auth → jwt →
     *       AIGW ext_proc → RBAC → rate limit, EG 1.8), so the pack's key-check route ({@link KeyCheckRouteRenderer})
     *       authenticates every key first, and once the model is known this policy's authorization admits only the
     *       model's client ids: unknown key → 401, another model's key → 403. This policy's own key check serves
     *       requests that reach the model's rule directly (a caller who sends {@code x-ai-eg-model} himself) and
     *       the catch-all rule (no key: 401).</li>
     * </ul>
     * No client ids → deny everyone.
     */
    public static GenericKubernetesResource externalPolicy(LLMModel model, PackSettings settings, AccessInputs access) {
        return externalPolicy(ModelObjects.of(model), settings, access);
    }

    /** {@link #externalPolicy(LLMModel, PackSettings, AccessInputs)} for anything the pack exposes under these names. */
    public static GenericKubernetesResource externalPolicy(ModelObjects names, PackSettings settings, AccessInputs access) {
        var route = names.externalRoute();
        var credentialRefs = access.keySecretNames().stream()
                .map(secret -> (Object) fields("group", "", "kind", "Secret", "name", secret, "namespace", settings.apiKeysNamespace()))
                .toList();
        var rules = new ArrayList<Object>();
        var chunks = chunks(access.clientIds(), MAX_HEADER_VALUES_PER_RULE);
        for (int i = 0; i < chunks.size(); i++) {
            rules.add(fields(
                    "name", ruleName("allow-model-clients", i, chunks.size()),
                    "action", "Allow",
                    "principal", fields("headers", List.of(fields("name", CLIENT_ID_HEADER, "values", chunks.get(i))))));
        }
        return GenericResources.resource(ENVOY_GATEWAY_API_VERSION, SECURITY_POLICY_KIND,
                GatewayMetadata.inNamespace(names, route),
                fields(
                        "targetRefs", List.of(GatewayMetadata.generatedRoute(route)),
                        "apiKeyAuth", apiKeyAuth(credentialRefs),
                        "authorization", fields(
                                "defaultAction", "Deny",
                                "rules", GenericResources.nonEmpty(rules))));
    }

    /**
     * JWT authentication against the pack's OIDC provider; when the model is not public, only members of
     * {@code access.groups} are allowed (the predecessor let any user reach any model).
     */
    public static GenericKubernetesResource internalPolicy(LLMModel model, PackSettings settings, AccessInputs.OidcProvider oidc) {
        return internalPolicy(ModelObjects.of(model), model.getSpec().access(), settings, oidc);
    }

    /** {@link #internalPolicy(LLMModel, PackSettings, AccessInputs.OidcProvider)} for anything with this access. */
    public static GenericKubernetesResource internalPolicy(ModelObjects names, AccessSpec access, PackSettings settings,
            AccessInputs.OidcProvider oidc) {
        var route = names.internalRoute();
        var audience = settings.auth().oidc().audience();
        var groupsClaim = settings.auth().oidc().groupsClaim();
        Map<String, Object> authorization = null;
        if (!access.isPublic()) {
            var rules = new ArrayList<Object>();
            var chunks = chunks(groupClaimValues(access.groups()), MAX_CLAIM_VALUES_PER_RULE);
            for (int i = 0; i < chunks.size(); i++) {
                rules.add(fields(
                        "name", ruleName("allow-model-groups", i, chunks.size()),
                        "action", "Allow",
                        "principal", fields("jwt", fields(
                                "provider", JWT_PROVIDER,
                                "claims", List.of(fields("name", groupsClaim, "valueType", "StringArray", "values", chunks.get(i)))))));
            }
            authorization = fields("defaultAction", "Deny", "rules", GenericResources.nonEmpty(rules));
        }
        return GenericResources.resource(ENVOY_GATEWAY_API_VERSION, SECURITY_POLICY_KIND,
                GatewayMetadata.inNamespace(names, route),
                fields(
                        "targetRefs", List.of(GatewayMetadata.generatedRoute(route)),
                        "jwt", fields("providers", List.of(fields(
                                "name", JWT_PROVIDER,
                                "issuer", oidc.issuer(),
                                "audiences", audience.isBlank() ? null : List.of(audience),
                                // From the issuer's discovery document, never a provider-specific path.
                                "remoteJWKS", fields("uri", oidc.jwksUri()),
                                "claimToHeaders", List.of(
                                        fields("claim", groupsClaim, "header", GROUPS_HEADER),
                                        fields("claim", USERNAME_CLAIM, "header", USER_HEADER))))),
                        "authorization", authorization));
    }

    /**
     * Keys from {@code Authorization} (a leading {@code Bearer } is stripped before the lookup) checked against the
     * Secrets in {@code credentialRefs}; the matched client id is forwarded, overwriting what a caller sent.
     */
    static Map<String, Object> apiKeyAuth(List<Object> credentialRefs) {
        return fields(
                "credentialRefs", credentialRefs,
                "extractFrom", List.of(fields("headers", List.of(API_KEY_HEADER))),
                "forwardClientIDHeader", CLIENT_ID_HEADER,
                // The key never reaches vLLM (or its logs).
                "sanitize", true);
    }

    /**
     * Keycloak writes groups as {@code /name} (full path) or {@code name} depending on the mapper; the claim
     * match is exact, so both spellings of each configured group are allowed, after the one normalisation the
     * portal, the API and the keys module use too ({@link GroupNames}): a group the portal lets a user mint a key
     * for is a group whose token this rule accepts.
     */
    static List<String> groupClaimValues(List<String> groups) {
        var values = new LinkedHashSet<String>();
        for (var group : GroupNames.normaliseAll(groups)) {
            values.add(group);
            values.add("/" + group);
        }
        return List.copyOf(values);
    }

    /**
     * Lets SecurityPolicies in the model's namespace read Secrets in the keys namespace. Cross-namespace
     * credentialRefs work only from EG 1.8.0 and only with this grant.
     */
    public static ReferenceGrant keysReferenceGrant(LLMModel model, PackSettings settings) {
        return keysReferenceGrant(ModelObjects.of(model), settings);
    }

    public static ReferenceGrant keysReferenceGrant(ModelObjects names, PackSettings settings) {
        return new ReferenceGrantBuilder()
                .withMetadata(GatewayMetadata.elsewhere(names, names.keysReferenceGrant(), settings.apiKeysNamespace()))
                .withNewSpec()
                    .addNewFrom().withGroup(ENVOY_GATEWAY_GROUP).withKind(SECURITY_POLICY_KIND).withNamespace(names.namespace()).endFrom()
                    .addNewTo().withGroup("").withKind("Secret").endTo()
                .endSpec()
                .build();
    }

    private static String ruleName(String base, int index, int count) {
        return count == 1 ? base : base + "-" + (index + 1);
    }

    static <T> List<List<T>> chunks(List<T> values, int size) {
        var chunks = new ArrayList<List<T>>();
        for (int from = 0; from < values.size(); from += size) {
            chunks.add(List.copyOf(values.subList(from, Math.min(values.size(), from + size))));
        }
        return chunks;
    }
}
