package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.gateway.TrafficSplit;
import org.jspecify.annotations.Nullable;

/**
 * What a model's gateway objects are rendered from besides the model and the pack's settings, the keys left out: the
 * OIDC provider and the traffic split among its revisions. For one model (the same uid and generation), equal inputs
 * render every gateway object equal except the one the keys go into ({@link ModelManifests#keyed()}).
 */
public record GatewayInputs(AccessInputs.@Nullable OidcProvider oidc, TrafficSplit split) {

    static GatewayInputs of(RenderContext context) {
        return new GatewayInputs(context.access().oidc(), context.split());
    }
}
