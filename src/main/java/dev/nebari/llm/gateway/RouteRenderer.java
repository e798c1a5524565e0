package dev.nebari.llm.gateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;

/**
 * The AIGatewayRoute of one endpoint side ({@code <m>-external} or {@code <m>-internal}).
 *
 * <ul>
 *   <li>{@code sectionName} is always the pack's listener: without it the generated catch-all rule attaches to
 *       every listener of the Gateway and this route's policy intercepts unrelated hosts.</li>
 *   <li>One rule, matching only {@code x-ai-eg-model}: AIGW drops a model whose rule has other header matches.
 *       One match per id (the model id, then each alias; matches are alternatives), so {@code /v1/models} lists
 *       the aliases too. No rule {@code name}: it exists only from AIGW v1.1.0, and the pack supports AIGW ≥ 1.0.</li>
 *   <li>The rule's backend is the model's InferencePool, or, while revisions split the id
 *       ({@link TrafficSplit}), every revision's weighted backend ({@link WeightedBackendRenderer}). Each revision
 *       renders this same rule in its own route: two routes then match the same header, Envoy Gateway serves the
 *       older one (Gateway API's tie-break: creation time, then namespace/name), and since both say the same, it
 *       does not matter which.</li>
 *   <li>Hostnames only in subdomain mode (AIGW ≥ v0.7.0); in shared mode the listener's host applies, and the
 *       shared host stays off per-model routes because their key check could not accept every key there.</li>
 * </ul>
 */
public final class RouteRenderer {

    private RouteRenderer() {
    }

    public static GenericKubernetesResource route(EndpointSide side, LLMModel model, PackSettings settings) {
        return route(side, model, settings, TrafficSplit.ALONE);
    }

    public static GenericKubernetesResource route(EndpointSide side, LLMModel model, PackSettings settings,
            TrafficSplit split) {
        var names = ModelObjects.of(model);
        var spec = model.getSpec();
        return route(side, names, ModelObjects.subdomain(spec), List.of(fields(
                // One match per model id the model serves (its own, its aliases, then its LoRA adapters'):
                // matches are alternatives, and each exact id is listed in the gateway's /v1/models.
                "matches", spec.servedModelIds().stream().map(RouteRenderer::modelMatch).toList(),
                "backendRefs", backendRefs(names, split),
                // AIGW's default is 60 s, which cuts long streamed completions.
                "timeouts", fields("request", spec.endpoints().requestTimeout()))), settings);
    }

    /** A match on the model id the request names (AIGW copies it from the body into {@code x-ai-eg-model}). */
    static Map<String, Object> modelMatch(String modelId) {
        return fields("headers", List.of(fields("type", "Exact", "name", MODEL_HEADER, "value", modelId)));
    }

    /**
     * The route of one side with the given rules: the listener, the host in subdomain mode and the token costs are
     * the same for everything the pack exposes.
     *
     * @param subdomain the host label in subdomain mode
     */
    static GenericKubernetesResource route(EndpointSide side, ModelObjects names, String subdomain, List<Object> rules,
            PackSettings settings) {
        var gateway = side.gateway(settings);
        var hostnames = settings.platform().routing().mode() == RoutingMode.SUBDOMAIN
                ? List.of(ModelEndpoints.host(side, subdomain, settings)) : null;
        return GenericResources.resource(AI_GATEWAY_ROUTE_API_VERSION, AI_GATEWAY_ROUTE_KIND,
                GatewayMetadata.inNamespace(names, side.routeName(names)),
                fields(
                        "parentRefs", List.of(fields(
                                "name", gateway.name(),
                                "namespace", gateway.namespace(),
                                "sectionName", gateway.listener())),
                        "hostnames", hostnames,
                        "rules", rules,
                        // Token counts land in dynamic metadata, where usage metrics and token limits read them.
                        "llmRequestCosts", List.of(
                                fields("metadataKey", INPUT_TOKENS_KEY, "type", "InputToken"),
                                fields("metadataKey", OUTPUT_TOKENS_KEY, "type", "OutputToken"),
                                fields("metadataKey", TOTAL_TOKENS_KEY, "type", "TotalToken"))));
    }

    private static List<Object> backendRefs(ModelObjects names, TrafficSplit split) {
        if (!split.isSplit()) {
            return List.of(fields("group", INFERENCE_GROUP, "kind", INFERENCE_POOL_KIND, "name", names.inferencePool()));
        }
        return split.shares().stream()
                .map(share -> (Object) fields(
                        "name", new ModelObjects(share.model(), names.namespace()).weightedBackend(),
                        "weight", share.weight()))
                .toList();
    }
}
