package dev.nebari.llm.gateway;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything that exposes a model at the gateway, per enabled endpoint side: SecurityPolicy and route, the
 * rate-limit policy and the keys-namespace ReferenceGrant. A route is rendered only together with its
 * SecurityPolicy, and after it in apply order (policies first, then routes), so an endpoint is never exposed
 * without authentication, not even for the moment between two writes.
 */
public final class GatewayRenderer {

    private GatewayRenderer() {
    }

    /**
     * Gateway objects plus what was held back and why.
     *
     * @param policies  the SecurityPolicies and the rate-limit policy, in the model's namespace
     * @param routes    the AIGatewayRoute of each rendered side, in the model's namespace
     * @param elsewhere the keys-namespace ReferenceGrant
     * @param keyed     the one object rendered from the keys (the external SecurityPolicy, one of {@code policies}),
     *                  or null; every other object is rendered from the model, the settings, the OIDC provider and
     *                  the traffic split alone
     */
    public record GatewayObjects(List<HasMetadata> policies, Map<EndpointSide, HasMetadata> routes,
            List<HasMetadata> elsewhere, List<Withheld> withheld, @Nullable HasMetadata keyed) {
        public GatewayObjects {
            policies = List.copyOf(policies);
            routes = Collections.unmodifiableMap(new EnumMap<>(routes));
            elsewhere = List.copyOf(elsewhere);
            withheld = List.copyOf(withheld);
        }

        public GatewayObjects(List<HasMetadata> policies, Map<EndpointSide, HasMetadata> routes,
                List<HasMetadata> elsewhere, List<Withheld> withheld) {
            this(policies, routes, elsewhere, withheld, null);
        }

        /** In apply order: a route's policies exist before the route, so the gateway never serves it unprotected. */
        public List<HasMetadata> inNamespace() {
            var inNamespace = new ArrayList<HasMetadata>(policies);
            inNamespace.addAll(routes.values());
            return List.copyOf(inNamespace);
        }
    }

    /** An object that should exist but cannot be rendered yet; the reconciler reports the reason in status. */
    public record Withheld(String kind, String name, String reason) {
    }

    public static GatewayObjects render(LLMModel model, PackSettings settings, AccessInputs access) {
        return render(model, settings, access, TrafficSplit.ALONE);
    }

    /**
     * @param split the revisions that share the model's id, when there are several; {@code access} then holds the
     *              keys of all of them (a key for any revision is valid for the shared id)
     */
    public static GatewayObjects render(LLMModel model, PackSettings settings, AccessInputs access, TrafficSplit split) {
        var names = ModelObjects.of(model);
        var spec = model.getSpec();
        var policies = new ArrayList<HasMetadata>();
        var routes = new EnumMap<EndpointSide, HasMetadata>(EndpointSide.class);
        var elsewhere = new ArrayList<HasMetadata>();
        var withheld = new ArrayList<Withheld>();
        var rendered = new ArrayList<EndpointSide>();
        HasMetadata keyed = null;

        if (EndpointSide.EXTERNAL.enabledIn(spec)) {
            keyed = AccessPolicyRenderer.externalPolicy(model, settings, access);
            policies.add(keyed);
            routes.put(EndpointSide.EXTERNAL, RouteRenderer.route(EndpointSide.EXTERNAL, model, settings, split));
            elsewhere.add(AccessPolicyRenderer.keysReferenceGrant(model, settings));
            rendered.add(EndpointSide.EXTERNAL);
        }
        if (EndpointSide.INTERNAL.enabledIn(spec)) {
            var oidc = access.oidc();
            if (oidc == null) {
                var reason = "the OIDC issuer and its jwks_uri are not known yet";
                withheld.add(new Withheld(GatewayFacts.AI_GATEWAY_ROUTE_KIND, names.internalRoute(), reason));
                withheld.add(new Withheld(GatewayFacts.SECURITY_POLICY_KIND, names.internalRoute(), reason));
                // The reconciler keeps a withheld route that exists, so its limits stay on it too.
                rendered.add(EndpointSide.INTERNAL);
            } else {
                policies.add(AccessPolicyRenderer.internalPolicy(model, settings, oidc));
                routes.put(EndpointSide.INTERNAL, RouteRenderer.route(EndpointSide.INTERNAL, model, settings, split));
                rendered.add(EndpointSide.INTERNAL);
            }
        }
        RateLimitPolicyRenderer.render(model, rendered).ifPresent(policies::add);
        return new GatewayObjects(policies, routes, elsewhere, withheld, keyed);
    }
}
