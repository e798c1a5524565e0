package dev.nebari.llm.gateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.gateway.GatewayRenderer.GatewayObjects;
import dev.nebari.llm.gateway.GatewayRenderer.Withheld;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that exposes an external provider ({@link PassthroughModel}) at the gateway. The provider side is four
 * objects named {@code <p>-provider}: an Envoy Gateway Backend (the FQDN endpoint), a BackendTLSPolicy on it (TLS
 * to the provider, SNI = its host name, system CAs or the admin's CA ConfigMap), an AIServiceBackend (the OpenAI
 * schema and path prefix) and a BackendSecurityPolicy (AIGW puts the admin's Secret into {@code Authorization}).
 * The caller side is exactly what an LLMModel gets, from the same renderers: a SecurityPolicy and an AIGatewayRoute
 * per enabled side, the keys-namespace ReferenceGrant and the rate-limit policy; only the route's rules differ.
 *
 * <p>The route's rules, in AIGW terms:
 * <ul>
 *   <li>one rule with an exact {@code x-ai-eg-model} match per listed id, to the provider's AIServiceBackend;</li>
 *   <li>with {@code catchAll}, a rule matching any {@code x-ai-eg-model} value (regular expression {@code .+}). Envoy
 *       Gateway orders routes by how many header matches they have and then how many are exact (EG v1.8.3,
 *       gatewayapi/sort.go), so every exact model rule of the listener (an LLMModel's, a listed id) goes first
 *       and this one before the AIGW {@code route-not-found} rules, which match no header. AIGW v1.0.0's router
 *       filter does not check the model against a list (extproc/server.go answers 404 only for an unknown path),
 *       so the request reaches the provider. The predecessor's catch-all matched only the Host header, which every
 *       exact model rule and AIGW v0.5's own lookup outranked: it never caught anything.</li>
 * </ul>
 */
public final class PassthroughRenderer {

    /** What a catch-all rule matches: any model id. */
    public static final String ANY_MODEL = ".+";

    private PassthroughRenderer() {
    }

    /**
     * @param provider the Backend, BackendTLSPolicy, AIServiceBackend and BackendSecurityPolicy, in apply order
     * @param gateway  policies, routes, the keys-namespace grant and what was withheld, as for an LLMModel
     * @param routedIds the listed ids the routes carry (those not served by an LLMModel)
     */
    public record Rendered(List<HasMetadata> provider, GatewayObjects gateway, List<String> routedIds) {
        public Rendered {
            provider = List.copyOf(provider);
            routedIds = List.copyOf(routedIds);
        }
    }

    /**
     * @param servedLocally model ids an LLMModel serves: those stay the LLMModel's (the local model wins) and are
     *                      left out of the provider's route, which status reports
     */
    public static Rendered render(PassthroughModel model, PackSettings settings, AccessInputs access, Set<String> servedLocally) {
        var names = names(model);
        var spec = model.getSpec();
        var provider = List.<HasMetadata>of(backend(model), backendTlsPolicy(model), serviceBackend(model), securityPolicy(model));
        var routedIds = new LinkedHashSet<>(spec.models().ids());
        routedIds.removeAll(servedLocally);
        var rules = rules(model, List.copyOf(routedIds));

        var policies = new ArrayList<HasMetadata>();
        var routes = new EnumMap<EndpointSide, HasMetadata>(EndpointSide.class);
        var elsewhere = new ArrayList<HasMetadata>();
        var withheld = new ArrayList<Withheld>();
        var rendered = new ArrayList<EndpointSide>();
        var subdomain = subdomain(model);
        for (var side : EndpointSide.values()) {
            if (!side.enabledIn(spec.endpoints())) {
                continue;
            }
            if (rules.isEmpty()) {
                var reason = "every model id it lists is served by an LLMModel";
                withheld.add(new Withheld(AI_GATEWAY_ROUTE_KIND, side.routeName(names), reason));
                continue;
            }
            if (side == EndpointSide.EXTERNAL) {
                policies.add(AccessPolicyRenderer.externalPolicy(names, settings, access));
                elsewhere.add(AccessPolicyRenderer.keysReferenceGrant(names, settings));
            } else if (access.oidc() == null) {
                var reason = "the OIDC issuer and its jwks_uri are not known yet";
                withheld.add(new Withheld(AI_GATEWAY_ROUTE_KIND, names.internalRoute(), reason));
                withheld.add(new Withheld(SECURITY_POLICY_KIND, names.internalRoute(), reason));
                continue;
            } else {
                policies.add(AccessPolicyRenderer.internalPolicy(names, spec.access(), settings, access.oidc()));
            }
            routes.put(side, RouteRenderer.route(side, names, subdomain, rules, settings));
            rendered.add(side);
        }
        RateLimitPolicyRenderer.render(names, spec.limits(), rendered).ifPresent(policies::add);
        return new Rendered(provider, new GatewayObjects(policies, routes, elsewhere, withheld), List.copyOf(routedIds));
    }

    /** Routes, policies and key Secrets are named like an LLMModel's: the two kinds share one name space per namespace. */
    public static ModelObjects names(PassthroughModel model) {
        return new ModelObjects(model.getMetadata().getName(), model.getMetadata().getNamespace());
    }

    /** The host label in subdomain routing mode: the one the spec sets, or the object's name. */
    public static String subdomain(PassthroughModel model) {
        var explicit = model.getSpec().endpoints().external().subdomain();
        return explicit != null ? explicit : model.getMetadata().getName();
    }

    private static List<Object> rules(PassthroughModel model, List<String> ids) {
        var spec = model.getSpec();
        var backendRefs = List.<Object>of(fields("name", PassthroughModel.providerObjects(model.getMetadata().getName())));
        // AIGW's default is 60 s, which cuts long streamed completions.
        var timeouts = fields("request", spec.endpoints().requestTimeout());
        var rules = new ArrayList<Object>();
        if (!ids.isEmpty()) {
            rules.add(fields(
                    "matches", ids.stream().map(id -> (Object) RouteRenderer.modelMatch(id)).toList(),
                    "backendRefs", backendRefs,
                    "timeouts", timeouts,
                    // /v1/models lists these ids as owned by the provider.
                    "modelsOwnedBy", spec.provider().hostname()));
        }
        if (spec.models().catchAll()) {
            rules.add(fields(
                    "matches", List.of(fields("headers", List.of(fields(
                            "type", "RegularExpression", "name", MODEL_HEADER, "value", ANY_MODEL)))),
                    "backendRefs", backendRefs,
                    "timeouts", timeouts));
        }
        return rules;
    }

    static GenericKubernetesResource backend(PassthroughModel model) {
        var provider = model.getSpec().provider();
        return GenericResources.resource(ENVOY_GATEWAY_API_VERSION, BACKEND_KIND, meta(model),
                fields("endpoints", List.of(fields("fqdn", fields("hostname", provider.hostname(), "port", provider.port())))));
    }

    /** TLS always: the provider's credential travels with every request. */
    static GenericKubernetesResource backendTlsPolicy(PassthroughModel model) {
        var provider = model.getSpec().provider();
        var ca = provider.caBundle();
        Map<String, Object> validation = ca == null
                ? fields("hostname", provider.hostname(), "wellKnownCACertificates", "System")
                : fields("hostname", provider.hostname(), "caCertificateRefs", List.of(
                        fields("group", "", "kind", "ConfigMap", "name", ca.configMapName())));
        return GenericResources.resource(BACKEND_TLS_POLICY_API_VERSION, BACKEND_TLS_POLICY_KIND, meta(model),
                fields(
                        "targetRefs", List.of(providerRef(model, ENVOY_GATEWAY_GROUP, BACKEND_KIND)),
                        "validation", validation));
    }

    static GenericKubernetesResource serviceBackend(PassthroughModel model) {
        var schema = model.getSpec().provider().schema();
        return GenericResources.resource(AI_GATEWAY_ROUTE_API_VERSION, AI_SERVICE_BACKEND_KIND, meta(model),
                fields(
                        "schema", fields("name", schema.name(), "prefix", schema.prefix()),
                        "backendRef", providerRef(model, ENVOY_GATEWAY_GROUP, BACKEND_KIND)));
    }

    /** Refers to the admin's Secret by name only: its content never passes through the operator. */
    static GenericKubernetesResource securityPolicy(PassthroughModel model) {
        var credential = model.getSpec().provider().credential();
        return GenericResources.resource(AI_GATEWAY_ROUTE_API_VERSION, BACKEND_SECURITY_POLICY_KIND, meta(model),
                fields(
                        "targetRefs", List.of(providerRef(model, AI_GATEWAY_GROUP, AI_SERVICE_BACKEND_KIND)),
                        "type", "APIKey",
                        "apiKey", fields("secretRef", fields("name", credential.secretName()))));
    }

    private static Map<String, Object> providerRef(PassthroughModel model, String group, String kind) {
        return fields("group", group, "kind", kind, "name", PassthroughModel.providerObjects(model.getMetadata().getName()));
    }

    private static io.fabric8.kubernetes.api.model.ObjectMeta meta(PassthroughModel model) {
        return GatewayMetadata.inNamespace(names(model), PassthroughModel.providerObjects(model.getMetadata().getName()));
    }
}
