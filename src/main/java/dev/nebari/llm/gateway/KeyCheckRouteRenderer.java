package dev.nebari.llm.gateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;

/**
 * Shared routing mode's one API-key check: an AIGatewayRoute on the external listener and its SecurityPolicy, in
 * the keys namespace, that authenticate every key once, so that each model's own policy needs only the model's own
 * key Secrets. What is rendered then grows as models + keys (each Secret is referenced twice: here and by its model),
 * where "every model's policy lists every key Secret" grew as models × keys, in the objects and, because Envoy
 * Gateway copies a policy's credentials into each route it targets, in Envoy's route table too.
 *
 * <p>Why it works, step by step through Envoy (filter order api_key_auth → jwt → AI Gateway ext_proc → RBAC →
 * rate limit; each step seen through a real Envoy in the data-path tests):
 * <ol>
 *   <li>Before the body is read no request carries {@code x-ai-eg-model}, so no model rule matches. The rule here
 *       matches any request with an {@code Authorization} header and is more specific than the catch-all rule AI
 *       Gateway adds to every route (one header match against none; Gateway API precedence), so a caller with a
 *       key always lands here first and api_key_auth checks the key against every Secret: unknown key → 401.</li>
 *   <li>A valid key is removed ({@code sanitize}) and its client id written into {@code x-llm-client-id},
 *       overwriting anything the caller sent.</li>
 *   <li>AI Gateway reads the model from the body, sets {@code x-ai-eg-model} and routes again. The
 *       {@code Authorization} header is gone, so this rule no longer matches and the model's rule does; that
 *       model's policy then allows only its own client ids: someone else's key → 403. An unknown model falls to
 *       the catch-all rule: 404.</li>
 *   <li>Without a key the request lands on a model route's catch-all rule, whose policy wants a key: 401.</li>
 * </ol>
 *
 * <p>Not in subdomain mode: there the host picks the model's route before the key is checked (Envoy keeps each
 * route hostname in a virtual host of its own, which a route without hostnames does not join), the model's policy
 * authenticates its own keys only, and another model's key is as unknown there as any other: 401.
 *
 * <p>An unknown model falls to a catch-all rule; Envoy tries the oldest route's first (Gateway API precedence), which
 * is this one when it was created before the models (it is applied as soon as the operator leads), so the answer is
 * AI Gateway's 404. Were a model's route older, that model's allow-list would answer 403 for other models' keys.
 *
 * <p>A caller who sends {@code x-ai-eg-model} himself reaches a model rule directly (it ties with this one on
 * specificity), where only that model's keys authenticate: another model's key is then refused with 401 instead of
 * 403, and nothing is let through that should not be.
 */
public final class KeyCheckRouteRenderer {

    /** Name of the route, the HTTPRoute AI Gateway generates from it, and the policy (all in the keys namespace). */
    public static final String NAME = "nebari-llm-api-key-check";
    /** The value of {@link ModelObjects#COMPONENT} on both objects. */
    public static final String COMPONENT = "api-key-check";
    /** Any non-empty value: the rule is about whether a credential was sent, not which. */
    static final String ANY_VALUE = ".+";

    private KeyCheckRouteRenderer() {
    }

    /** Wanted in shared routing mode while the key manager is on (without keys there is nothing to check). */
    public static boolean isWanted(PackSettings settings) {
        return settings.platform().routing().mode() == RoutingMode.SHARED && settings.keyManager().enabled();
    }

    /** The route and its policy, the policy listing {@code keySecretNames} (Secrets in the keys namespace). */
    public static List<GenericKubernetesResource> render(PackSettings settings, List<String> keySecretNames) {
        var gateway = settings.platform().gateway().external();
        var route = GenericResources.resource(AI_GATEWAY_ROUTE_API_VERSION, AI_GATEWAY_ROUTE_KIND, metadata(settings),
                fields(
                        "parentRefs", List.of(fields(
                                "name", gateway.name(),
                                "namespace", gateway.namespace(),
                                "sectionName", gateway.listener())),
                        // No backend: every request leaves this rule once AI Gateway has read the model.
                        "rules", List.of(fields("matches", List.of(fields("headers", List.of(fields(
                                "type", "RegularExpression",
                                "name", API_KEY_HEADER,
                                "value", ANY_VALUE))))))));
        var credentialRefs = keySecretNames.stream().sorted().distinct()
                .map(secret -> (Object) fields("group", "", "kind", "Secret", "name", secret))
                .toList();
        var policy = GenericResources.resource(ENVOY_GATEWAY_API_VERSION, SECURITY_POLICY_KIND, metadata(settings),
                fields(
                        "targetRefs", List.of(GatewayMetadata.generatedRoute(NAME)),
                        "apiKeyAuth", AccessPolicyRenderer.apiKeyAuth(credentialRefs)));
        return List.of(route, policy);
    }

    /** The labels of both objects: the pack's, and a component of their own (they belong to no model). */
    public static Map<String, String> labels() {
        return Map.of(
                ModelObjects.MANAGED_BY, ModelObjects.PACK,
                ModelObjects.PART_OF, ModelObjects.PACK,
                ModelObjects.COMPONENT, COMPONENT);
    }

    private static ObjectMeta metadata(PackSettings settings) {
        return new ObjectMetaBuilder().withName(NAME).withNamespace(settings.apiKeysNamespace())
                .withLabels(new java.util.TreeMap<>(labels())).build();
    }
}
