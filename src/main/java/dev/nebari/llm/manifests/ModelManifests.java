package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.gateway.GatewayRenderer.Withheld;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What the operator wants to exist for one LLMModel, by role. Everything in the model's namespace carries a
 * controller owner reference (when the model has a uid) so garbage collection removes it with the model.
 *
 * @param workload the model server's objects (storage, identity, Deployment, HPA, Service, NetworkPolicy, PodMonitor);
 *                 for an external provider (PassthroughModel) its Backend, BackendTLSPolicy, AIServiceBackend and
 *                 BackendSecurityPolicy
 * @param picker   the scheduler's: InferencePool and endpoint picker
 * @param policies the SecurityPolicies and the rate-limit BackendTrafficPolicy
 * @param routes   the AIGatewayRoute of each side that is rendered
 * @param grants   objects in the keys namespace (owner references cannot cross namespaces): labelled with the model
 *                 and its namespace, and removed by the finalizer
 * @param withheld objects that should exist but cannot be rendered yet, with the reason for status
 * @param keyed    the one object rendered from the keys (the external SecurityPolicy, one of {@code policies}), or null
 * @param gatewayInputs what the other gateway objects (policies, routes, grants) were rendered from besides the model
 *                 and the settings; null where that is not told apart (an external provider's objects)
 */
public record ModelManifests(List<Manifest> workload, List<Manifest> picker, List<Manifest> policies,
        Map<EndpointSide, Manifest> routes, List<Manifest> grants, List<Withheld> withheld, @Nullable Manifest keyed,
        @Nullable GatewayInputs gatewayInputs) {

    public ModelManifests {
        workload = List.copyOf(workload);
        picker = List.copyOf(picker);
        policies = List.copyOf(policies);
        routes = Collections.unmodifiableMap(routes.isEmpty() ? Map.of() : new EnumMap<>(routes));
        grants = List.copyOf(grants);
        withheld = List.copyOf(withheld);
    }

    /** Objects whose inputs are not told apart: {@link #keyed} and {@link #gatewayInputs} are null. */
    public ModelManifests(List<Manifest> workload, List<Manifest> picker, List<Manifest> policies,
            Map<EndpointSide, Manifest> routes, List<Manifest> grants, List<Withheld> withheld) {
        this(workload, picker, policies, routes, grants, withheld, null, null);
    }

    /**
     * Whether {@code manifest} is one of the gateway objects rendered without the keys, so from the model, the
     * settings and {@link #gatewayInputs} alone.
     */
    public boolean keyless(Manifest manifest) {
        return gatewayInputs != null && manifest != keyed && Stream.of(policies, grants, routes.values())
                .flatMap(Collection::stream).anyMatch(one -> one == manifest);
    }

    /**
     * Everything, in apply order: the keys-namespace grant first (it must exist before the policy that reads key
     * Secrets through it), then the workload, the picker, the policies and last the routes they protect.
     */
    public List<Manifest> manifests() {
        return Stream.of(grants, workload, picker, policies, List.copyOf(routes.values())).flatMap(List::stream).toList();
    }

    /** The objects of {@link #manifests()}, in apply order. */
    public List<HasMetadata> all() {
        return objects(manifests());
    }

    /** The objects in the model's namespace, in apply order. */
    public List<HasMetadata> inNamespace() {
        return objects(Stream.of(workload, picker, policies, List.copyOf(routes.values())).flatMap(List::stream).toList());
    }

    /** The objects in other namespaces. */
    public List<HasMetadata> elsewhere() {
        return objects(grants);
    }

    public Optional<Manifest> route(EndpointSide side) {
        return Optional.ofNullable(routes.get(side));
    }

    /**
     * The same model without what routes traffic to it: its routes, the policies that attach to them, and the grant
     * that lets those policies read key Secrets. The workload stays.
     */
    public ModelManifests withoutRouting() {
        return new ModelManifests(workload, picker, List.of(), Map.of(), List.of(), withheld, null, gatewayInputs);
    }

    private static List<HasMetadata> objects(List<Manifest> manifests) {
        return manifests.stream().map(Manifest::object).toList();
    }
}
