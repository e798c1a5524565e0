package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.GatewayRenderer.Withheld;
import io.fabric8.kubernetes.api.model.HasMetadata;
import dev.nebari.llm.gateway.GatewayFacts;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What the operator wants to exist for one LLMModel.
 *
 * @param inNamespace objects in the model's namespace, in apply order, each with a controller owner reference
 *                    (when the model has a uid) so garbage collection removes them with the model
 * @param elsewhere   objects in other namespaces (owner references cannot cross namespaces): labelled with the
 *                    model and its namespace, and removed by the finalizer
 * @param withheld    objects that should exist but cannot be rendered yet, with the reason for status
 */
public record ModelManifests(List<HasMetadata> inNamespace, List<HasMetadata> elsewhere, List<Withheld> withheld) {

    public ModelManifests {
        inNamespace = List.copyOf(inNamespace);
        elsewhere = List.copyOf(elsewhere);
        withheld = List.copyOf(withheld);
    }

    /**
     * Everything, in apply order: the objects elsewhere first (the keys-namespace ReferenceGrant must exist before
     * the policy that reads key Secrets through it), then those in the namespace.
     */
    public List<HasMetadata> all() {
        return Stream.concat(elsewhere.stream(), inNamespace.stream()).toList();
    }

    /**
     * The same model without what routes traffic to it: its routes, the policies that attach to them, and the grant
     * that lets those policies read key Secrets. The workload stays.
     */
    public ModelManifests withoutRouting() {
        Predicate<HasMetadata> serving = object -> !ROUTING_API_VERSIONS.contains(object.getApiVersion());
        return new ModelManifests(inNamespace.stream().filter(serving).toList(), elsewhere.stream().filter(serving).toList(),
                withheld);
    }

    private static final Set<String> ROUTING_API_VERSIONS = Set.of(GatewayFacts.AI_GATEWAY_ROUTE_API_VERSION,
            GatewayFacts.ENVOY_GATEWAY_API_VERSION, GatewayFacts.REFERENCE_GRANT_API_VERSION);
}
