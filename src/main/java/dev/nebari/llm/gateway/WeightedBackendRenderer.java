package dev.nebari.llm.gateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.GenericResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;

/**
 * A model's Service as an AI Gateway backend (AIServiceBackend and Envoy Gateway Backend {@code <m>-weighted}), which
 * a weighted rule can list beside other models' backends. AI Gateway (v1.0 and v1.1) allows exactly one
 * InferencePool per rule (a CEL rule on AIGatewayRoute, and its extension server attaches one endpoint picker per
 * route), so a split between revisions cannot go through their pools: while an id is split, each revision's share
 * reaches its pods through its Service and the endpoint picker does not choose the pod. Rendered whenever the
 * model sets {@code spec.traffic}, so the backend already exists when a second revision turns the route into a split.
 */
public final class WeightedBackendRenderer {

    private WeightedBackendRenderer() {
    }

    public static List<GenericKubernetesResource> render(LLMModel model) {
        if (model.getSpec().traffic() == null) {
            return List.of();
        }
        var names = ModelObjects.of(model);
        var backend = GenericResources.resource(ENVOY_GATEWAY_API_VERSION, BACKEND_KIND,
                GatewayMetadata.inNamespace(names, names.weightedBackend()),
                fields("endpoints", List.of(fields("fqdn", fields(
                        "hostname", serviceHost(names),
                        "port", MODEL_SERVER_PORT)))));
        var serviceBackend = GenericResources.resource(AI_GATEWAY_ROUTE_API_VERSION, AI_SERVICE_BACKEND_KIND,
                GatewayMetadata.inNamespace(names, names.weightedBackend()),
                fields(
                        // vLLM speaks the OpenAI API; AI Gateway then passes requests on unchanged.
                        "schema", fields("name", "OpenAI"),
                        "backendRef", fields("group", ENVOY_GATEWAY_GROUP, "kind", BACKEND_KIND, "name", names.weightedBackend())));
        return List.of(backend, serviceBackend);
    }

    /**
     * The Service's cluster DNS name. Fully qualified with the default cluster domain: Envoy resolves it itself, and
     * a cluster with another domain needs this changed (docs/aliases-and-revisions.md).
     */
    static String serviceHost(ModelObjects names) {
        return names.workload() + "." + names.namespace() + ".svc.cluster.local";
    }
}
