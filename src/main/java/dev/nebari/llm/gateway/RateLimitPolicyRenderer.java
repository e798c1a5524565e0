package dev.nebari.llm.gateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LimitsSpec;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.GenericResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The BackendTrafficPolicy {@code <m>} that enforces {@code spec.limits} per API key (external, bucket per
 * {@code x-llm-client-id}) and per user (internal, bucket per {@code x-llm-user}).
 *
 * <p>Global rate limits need Envoy Gateway's rate-limit service with Redis ({@code rateLimit.backend} in the
 * EnvoyGateway configuration); without it the policy reports "enable Ratelimit in the EnvoyGateway config".
 * Every matching global rule applies. Counters are per target route (no {@code shared}), so a header forged on
 * one route never spends another route's budget. Token limits check the budget before the request (request cost
 * 0) and charge the total tokens AIGW reports after the response, so one long stream can overshoot once.
 */
public final class RateLimitPolicyRenderer {

    private RateLimitPolicyRenderer() {
    }

    /**
     * @param sides the endpoint sides whose routes are rendered (the policy targets only routes that exist)
     */
    public static Optional<GenericKubernetesResource> render(LLMModel model, List<EndpointSide> sides) {
        return render(ModelObjects.of(model), model.getSpec().limits(), sides);
    }

    /** The same policy for anything the pack exposes under these names with these limits. */
    public static Optional<GenericKubernetesResource> render(ModelObjects names, @Nullable LimitsSpec limits,
            List<EndpointSide> sides) {
        if (limits == null || sides.isEmpty() || !hasAny(limits)) {
            return Optional.empty();
        }
        var rules = new ArrayList<Object>();
        for (var side : sides) {
            addRule(rules, side, limits.requestsPerMinute(), "Minute", false);
            addRule(rules, side, limits.tokensPerMinute(), "Minute", true);
            addRule(rules, side, limits.tokensPerDay(), "Day", true);
        }
        return Optional.of(GenericResources.resource(ENVOY_GATEWAY_API_VERSION, BACKEND_TRAFFIC_POLICY_KIND,
                GatewayMetadata.inNamespace(names, names.rateLimitPolicy()),
                fields(
                        "targetRefs", sides.stream().map(side -> (Object) GatewayMetadata.generatedRoute(side.routeName(names))).toList(),
                        "rateLimit", fields("global", fields("rules", rules)))));
    }

    private static boolean hasAny(LimitsSpec limits) {
        return limits.requestsPerMinute() != null || limits.tokensPerMinute() != null || limits.tokensPerDay() != null;
    }

    private static void addRule(List<Object> rules, EndpointSide side, @Nullable Long limit, String unit, boolean tokens) {
        if (limit == null) {
            return;
        }
        Map<String, Object> cost = tokens
                ? fields(
                        "request", fields("from", "Number", "number", 0),
                        "response", fields("from", "Metadata", "metadata", fields(
                                "namespace", COST_METADATA_NAMESPACE,
                                "key", TOTAL_TOKENS_KEY)))
                : null;
        rules.add(fields(
                "clientSelectors", List.of(fields("headers", List.of(fields("name", side.callerHeader(), "type", "Distinct")))),
                "limit", fields("requests", limit, "unit", unit),
                "cost", cost));
    }
}
