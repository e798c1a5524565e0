package dev.nebari.llm.gateway;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that exposes a model at the gateway, per enabled endpoint side: SecurityPolicy and route, the
 * rate-limit policy and the keys-namespace ReferenceGrant. A route is rendered only together with its
 * SecurityPolicy, and after it in apply order (policies first, then routes), so an endpoint is never exposed
 * without authentication, not even for the moment between two writes.
 */
public final class GatewayRenderer {

    private GatewayRenderer() {
    }

    /** Gateway objects, split by namespace, plus what was held back and why. */
    public record GatewayObjects(List<HasMetadata> inNamespace, List<HasMetadata> elsewhere, List<Withheld> withheld) {
        public GatewayObjects {
            inNamespace = List.copyOf(inNamespace);
            elsewhere = List.copyOf(elsewhere);
            withheld = List.copyOf(withheld);
        }
    }

    /** An object that should exist but cannot be rendered yet; the reconciler reports the reason in status. */
    public record Withheld(String kind, String name, String reason) {
    }

    public static GatewayObjects render(LLMModel model, PackSettings settings, AccessInputs access) {
        var names = ModelObjects.of(model);
        var spec = model.getSpec();
        var policies = new ArrayList<HasMetadata>();
        var routes = new ArrayList<HasMetadata>();
        var elsewhere = new ArrayList<HasMetadata>();
        var withheld = new ArrayList<Withheld>();
        var rendered = new ArrayList<EndpointSide>();

        if (EndpointSide.EXTERNAL.enabledIn(spec)) {
            policies.add(AccessPolicyRenderer.externalPolicy(model, settings, access));
            routes.add(RouteRenderer.route(EndpointSide.EXTERNAL, model, settings));
            elsewhere.add(AccessPolicyRenderer.keysReferenceGrant(model, settings));
            rendered.add(EndpointSide.EXTERNAL);
        }
        if (EndpointSide.INTERNAL.enabledIn(spec)) {
            var oidc = access.oidc();
            if (oidc == null) {
                var reason = "the OIDC issuer and its jwks_uri are not known yet";
                withheld.add(new Withheld(GatewayFacts.AI_GATEWAY_ROUTE_KIND, names.internalRoute(), reason));
                withheld.add(new Withheld(GatewayFacts.SECURITY_POLICY_KIND, names.internalRoute(), reason));
            } else {
                policies.add(AccessPolicyRenderer.internalPolicy(model, settings, oidc));
                routes.add(RouteRenderer.route(EndpointSide.INTERNAL, model, settings));
                rendered.add(EndpointSide.INTERNAL);
            }
        }
        RateLimitPolicyRenderer.render(model, rendered).ifPresent(policies::add);
        // Apply order: a route's policies exist before the route, so the gateway never serves it unprotected.
        var inNamespace = new ArrayList<HasMetadata>(policies);
        inNamespace.addAll(routes);
        return new GatewayObjects(inNamespace, elsewhere, withheld);
    }
}
