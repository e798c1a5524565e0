package dev.nebari.llm.localgateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.platform.GenericResources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the operator applied into the files {@code aigw} reads: the start-up configuration (the Gateway and
 * everything AI Gateway translates only when it starts: AIGatewayRoutes, AIServiceBackends, Backends) and the file
 * of live objects in its watched folder (policies, grants, key Secrets), which Envoy Gateway reloads within a
 * second or two of a change. Pure: the same pack state always gives the same bytes.
 *
 * <p>Every object passes unchanged except for these substitutions, each needed because the gateway runs on one
 * host instead of in a cluster (docs/testing.md lists them too):
 * <ol>
 *   <li>The Gateway is the harness's own ({@link GatewayLayout}): plain HTTP listeners on loopback ports under the
 *       pack's listener names, and one Gateway for both sides, so route {@code parentRefs} naming either configured
 *       Gateway are pointed at it ({@code aigw} accepts exactly one Gateway).</li>
 *   <li>A route's InferencePool backend becomes an AIServiceBackend and Backend (both {@code <pool>-simulated})
 *       at the simulated model server that stands in for the pool's pods: no endpoint picker runs here.</li>
 *   <li>An EnvoyPatchPolicy points Envoy's rate-limit cluster at the rate-limit service on 127.0.0.1 in plain text:
 *       Envoy Gateway renders a Kubernetes service name and certificate paths of a pod there.</li>
 *   <li>Key Secrets are written as files beside the policies: {@code aigw} does not hand Secrets on to Envoy
 *       Gateway.</li>
 *   <li>What the API server adds (uid, resourceVersion, managed fields, owner references, status) is dropped, as
 *       for any object exported from a cluster; the creation time stays (route precedence depends on it).</li>
 *   <li>An external provider's objects go into the start-up configuration, with the credential Secret and the CA
 *       ConfigMap they name (see {@link #providers}).</li>
 *   <li>A Backend at a model Service's cluster DNS name ({@code <service>.<namespace>.svc.cluster.local}, a weighted
 *       revision's backend) points at the simulated server of the Deployment whose pods the Service selects, where
 *       cluster DNS would give the Service's address and kube-proxy one of those pods.</li>
 * </ol>
 *
 * <p>A route is fed only once a SecurityPolicy that targets it has been seen: the operator writes the policy first,
 * but the watches of different kinds may deliver the two in either order, and the gateway must not serve a route
 * for a moment without the policy the API server already holds.</p>
 */
public final class GatewayFeed {

    static final String GATEWAY_CLASS = "nebari-local";
    static final String ENVOY_PROXY = "nebari-local";
    static final String RATE_LIMIT_PATCH = "nebari-local-rate-limit-service";
    static final String SIMULATED_SUFFIX = "-simulated";
    /** Envoy Gateway's name for the rate-limit service's cluster (EG v1.8.3, globalresources.go). */
    static final String RATE_LIMIT_CLUSTER = "ratelimit_cluster";
    /** Where no simulated server answers: Envoy then reports 503 as it does for a pool without ready pods. */
    static final int NOTHING_LISTENS = 9;
    /** A Service's cluster DNS name, as the weighted backends name it. */
    static final String SERVICE_HOST = "^[a-z0-9-]+\\.[a-z0-9-]+\\.svc\\.cluster\\.local$";

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    /**
     * What the operator applied (and the portal's key Secrets), as read from the API server.
     *
     * @param providers  external providers' Backends, BackendTLSPolicies, AIServiceBackends and BackendSecurityPolicies
     * @param secrets    Secrets that may hold a provider's credential (only those a BackendSecurityPolicy names are fed)
     * @param configMaps ConfigMaps that may hold a provider's CA (only those a BackendTLSPolicy names are fed)
     * @param backends   weighted revisions' AIServiceBackends and Backends (a Backend at a model Service)
     * @param servicePorts the port of each model Service's simulated server
     */
    public record PackState(
            List<GenericKubernetesResource> routes,
            List<GenericKubernetesResource> policies,
            List<GenericKubernetesResource> grants,
            List<Secret> keySecrets,
            Map<String, List<Integer>> poolPorts,
            List<GenericKubernetesResource> providers,
            List<Secret> secrets,
            List<ConfigMap> configMaps,
            List<GenericKubernetesResource> backends,
            Map<String, List<Integer>> servicePorts) {

        public static final PackState EMPTY = new PackState(List.of(), List.of(), List.of(), List.of(), Map.of());

        public PackState {
            routes = sorted(routes);
            policies = sorted(policies);
            grants = sorted(grants);
            keySecrets = sorted(keySecrets);
            poolPorts = Map.copyOf(poolPorts);
            providers = sorted(providers);
            secrets = sorted(secrets);
            configMaps = sorted(configMaps);
            backends = sorted(backends);
            servicePorts = Map.copyOf(servicePorts);
        }

        /** A pack without external providers or weighted backends. */
        public PackState(List<GenericKubernetesResource> routes, List<GenericKubernetesResource> policies,
                List<GenericKubernetesResource> grants, List<Secret> keySecrets, Map<String, List<Integer>> poolPorts) {
            this(routes, policies, grants, keySecrets, poolPorts, List.of(), List.of(), List.of());
        }

        /** A pack without weighted backends (no model sets spec.traffic). */
        public PackState(List<GenericKubernetesResource> routes, List<GenericKubernetesResource> policies,
                List<GenericKubernetesResource> grants, List<Secret> keySecrets, Map<String, List<Integer>> poolPorts,
                List<GenericKubernetesResource> providers, List<Secret> secrets, List<ConfigMap> configMaps) {
            this(routes, policies, grants, keySecrets, poolPorts, providers, secrets, configMaps, List.of(), Map.of());
        }

        /** A pack without external providers. */
        public PackState(List<GenericKubernetesResource> routes, List<GenericKubernetesResource> policies,
                List<GenericKubernetesResource> grants, List<Secret> keySecrets, Map<String, List<Integer>> poolPorts,
                List<GenericKubernetesResource> backends, Map<String, List<Integer>> servicePorts) {
            this(routes, policies, grants, keySecrets, poolPorts, List.of(), List.of(), List.of(), backends, servicePorts);
        }

        static String poolKey(String namespace, String pool) {
            return namespace + "/" + pool;
        }
    }

    /** The two files; {@code startupDigest} changes exactly when {@code aigw} must restart to see a change. */
    public record Files(String startup, String live, String startupDigest) {
    }

    private GatewayFeed() {
    }

    public static Files render(GatewayLayout layout, PackState state) {
        var startup = new ArrayList<Object>();
        startup.add(gatewayClass());
        startup.add(envoyProxy(layout));
        startup.add(gateway(layout));
        startup.add(bufferLimit(layout));
        // Two routes (external and internal) share a pool, and so its simulated backend: one each, by name.
        var backends = new TreeMap<String, Map<String, Object>>();
        var protectedRoutes = targetedRoutes(state.policies());
        // a route whose AIServiceBackends are not (yet) there would be refused: an external provider's, a revision's
        var serviceBackends = java.util.stream.Stream.concat(state.providers().stream(), state.backends().stream())
                .filter(p -> AI_SERVICE_BACKEND_KIND.equals(p.getKind()))
                .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).collect(java.util.stream.Collectors.toSet());
        for (var route : state.routes()) {
            if (protectedRoutes.contains(route.getMetadata().getNamespace() + "/" + route.getMetadata().getName())
                    && serviceBackends.containsAll(serviceBackendRefs(route))) {
                startup.add(route(layout, route, state.poolPorts(), backends));
            }
        }
        for (var backend : state.backends()) {
            backends.put(backend.getKind() + " " + backend.getMetadata().getNamespace() + "/" + backend.getMetadata().getName(),
                    BACKEND_KIND.equals(backend.getKind()) ? backend(backend, state.servicePorts()) : exported(backend));
        }
        startup.addAll(backends.values());
        startup.addAll(providers(state));
        var live = new ArrayList<Object>();
        state.policies().forEach(policy -> live.add(exported(policy)));
        state.grants().forEach(grant -> live.add(exported(grant)));
        state.keySecrets().forEach(secret -> live.add(secret(secret)));
        if (state.policies().stream().anyMatch(p -> BACKEND_TRAFFIC_POLICY_KIND.equals(p.getKind()))) {
            live.add(rateLimitServicePatch(layout));
        }
        var startupYaml = yaml(startup);
        return new Files(startupYaml, yaml(live), digest(startupYaml));
    }

    private static Map<String, Object> gatewayClass() {
        return object(GATEWAY_API_VERSION, "GatewayClass", Map.of("name", GATEWAY_CLASS),
                fields("controllerName", "gateway.envoyproxy.io/gatewayclass-controller"));
    }

    private static Map<String, Object> envoyProxy(GatewayLayout layout) {
        return object(ENVOY_GATEWAY_API_VERSION, "EnvoyProxy", meta(ENVOY_PROXY, layout.gatewayNamespace()),
                fields("logging", fields("level", fields("default", "warn"))));
    }

    private static Map<String, Object> gateway(GatewayLayout layout) {
        return object(GATEWAY_API_VERSION, GATEWAY_KIND, meta(layout.gatewayName(), layout.gatewayNamespace()),
                fields(
                        "gatewayClassName", GATEWAY_CLASS,
                        "listeners", List.of(
                                listener(layout.externalListener(), layout.externalPort(), layout.externalHostname()),
                                listener(layout.internalListener(), layout.internalPort(), layout.internalHostname())),
                        "infrastructure", fields("parametersRef", fields(
                                "group", ENVOY_GATEWAY_GROUP, "kind", "EnvoyProxy", "name", ENVOY_PROXY))));
    }

    private static Map<String, Object> listener(String name, int port, @Nullable String hostname) {
        return fields("name", name, "protocol", "HTTP", "port", port, "hostname", hostname,
                "allowedRoutes", fields("namespaces", fields("from", "All")));
    }

    /**
     * Envoy Gateway buffers 32 KiB of a request by default, too little for long prompts (AI Gateway reads the whole
     * body to find the model); an admin raises it the same way (docs/installation.md).
     */
    private static Map<String, Object> bufferLimit(GatewayLayout layout) {
        return object(ENVOY_GATEWAY_API_VERSION, "ClientTrafficPolicy", meta("nebari-local-buffer-limit", layout.gatewayNamespace()),
                fields(
                        "targetRefs", List.of(fields("group", GATEWAY_API_GROUP, "kind", GATEWAY_KIND, "name", layout.gatewayName())),
                        "connection", fields("bufferLimit", "50Mi")));
    }

    /** The route with substitutions 1 and 2; the AIServiceBackends and Backends it needs go into {@code backends}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> route(GatewayLayout layout, GenericKubernetesResource route,
            Map<String, List<Integer>> poolPorts, Map<String, Map<String, Object>> backends) {
        var exported = exported(route);
        var namespace = route.getMetadata().getNamespace();
        var spec = new LinkedHashMap<>((Map<String, Object>) exported.get("spec"));
        var parents = new ArrayList<Object>();
        for (var parent : list(spec.get("parentRefs"))) {
            var ref = new LinkedHashMap<>((Map<String, Object>) parent);
            ref.put("name", layout.gatewayName());
            ref.put("namespace", layout.gatewayNamespace());
            parents.add(ref);
        }
        spec.put("parentRefs", parents);
        var rules = new ArrayList<Object>();
        for (var rule : list(spec.get("rules"))) {
            var copy = new LinkedHashMap<>((Map<String, Object>) rule);
            var refs = new ArrayList<Object>();
            for (var backend : list(copy.get("backendRefs"))) {
                var ref = (Map<String, Object>) backend;
                if (INFERENCE_GROUP.equals(ref.get("group")) && INFERENCE_POOL_KIND.equals(ref.get("kind"))) {
                    var poolNamespace = ref.get("namespace") instanceof String ns ? ns : namespace;
                    var pool = (String) ref.get("name");
                    var ports = poolPorts.getOrDefault(PackState.poolKey(poolNamespace, pool), List.of(NOTHING_LISTENS));
                    var key = poolNamespace + "/" + pool + SIMULATED_SUFFIX;
                    backends.put("Backend " + key, simulatedBackend(poolNamespace, pool, ports));
                    backends.put("AIServiceBackend " + key, simulatedServiceBackend(poolNamespace, pool));
                    refs.add(fields("name", pool + SIMULATED_SUFFIX, "namespace", poolNamespace));
                } else {
                    refs.add(ref);
                }
            }
            if (copy.containsKey("backendRefs")) {
                copy.put("backendRefs", refs);
            }
            rules.add(copy);
        }
        spec.put("rules", rules);
        exported.put("spec", spec);
        return exported;
    }

    /** Substitution 6: an endpoint at a model Service's DNS name becomes one per replica's simulated server. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> backend(GenericKubernetesResource backend, Map<String, List<Integer>> servicePorts) {
        var exported = exported(backend);
        var spec = new LinkedHashMap<>((Map<String, Object>) exported.get("spec"));
        var endpoints = new ArrayList<Object>();
        for (var endpoint : list(spec.get("endpoints"))) {
            var copy = new LinkedHashMap<>((Map<String, Object>) endpoint);
            if (copy.get("fqdn") instanceof Map<?, ?> fqdn && fqdn.get("hostname") instanceof String host
                    && host.matches(SERVICE_HOST)) {
                var parts = host.split("\\.");
                for (var port : servicePorts.getOrDefault(PackState.poolKey(parts[1], parts[0]), List.of(NOTHING_LISTENS))) {
                    var replica = new LinkedHashMap<>(copy);
                    replica.put("fqdn", fields("hostname", "localhost", "port", port));
                    endpoints.add(replica);
                }
                continue;
            }
            endpoints.add(copy);
        }
        spec.put("endpoints", endpoints);
        exported.put("spec", spec);
        return exported;
    }

    /** One endpoint per replica's server: Envoy balances the pool's requests over them as it would over its pods. */
    private static Map<String, Object> simulatedBackend(String namespace, String pool, List<Integer> ports) {
        return object(ENVOY_GATEWAY_API_VERSION, "Backend", meta(pool + SIMULATED_SUFFIX, namespace),
                fields("endpoints", ports.stream().map(port -> fields("fqdn", fields("hostname", "localhost", "port", port))).toList()));
    }

    private static Map<String, Object> simulatedServiceBackend(String namespace, String pool) {
        return object(AI_GATEWAY_ROUTE_API_VERSION, "AIServiceBackend", meta(pool + SIMULATED_SUFFIX, namespace),
                fields(
                        "schema", fields("name", "OpenAI"),
                        "backendRef", fields("name", pool + SIMULATED_SUFFIX, "kind", "Backend", "group", ENVOY_GATEWAY_GROUP)));
    }

    /**
     * Substitution 6: an external provider's four objects go into the start-up configuration as applied (AIGW
     * translates AIServiceBackends and BackendSecurityPolicies only when it starts), with the Secrets its
     * BackendSecurityPolicies name (AIGW reads the credential from them into its filter configuration; it hands no
     * Secret on to Envoy Gateway, snag 1) and the ConfigMaps its BackendTLSPolicies name (AIGW writes ConfigMaps and
     * BackendTLSPolicies through to Envoy Gateway, which reads the CA from the ConfigMap's ca.crt).
     */
    @SuppressWarnings("unchecked")
    private static List<Object> providers(PackState state) {
        var objects = new ArrayList<Object>();
        var secretNames = new java.util.HashSet<String>();
        var configMapNames = new java.util.HashSet<String>();
        for (var provider : state.providers()) {
            objects.add(exported(provider));
            var namespace = provider.getMetadata().getNamespace();
            var spec = GenericResources.spec(provider);
            if (BACKEND_SECURITY_POLICY_KIND.equals(provider.getKind())
                    && spec.get("apiKey") instanceof Map<?, ?> apiKey && apiKey.get("secretRef") instanceof Map<?, ?> ref) {
                secretNames.add(namespace + "/" + ref.get("name"));
            }
            if (BACKEND_TLS_POLICY_KIND.equals(provider.getKind()) && spec.get("validation") instanceof Map<?, ?> validation) {
                for (var ca : list(validation.get("caCertificateRefs"))) {
                    if (ca instanceof Map<?, ?> ref && "ConfigMap".equals(ref.get("kind"))) {
                        configMapNames.add(namespace + "/" + ref.get("name"));
                    }
                }
            }
        }
        state.secrets().stream().filter(s -> secretNames.contains(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()))
                .forEach(s -> objects.add(secret(s)));
        state.configMaps().stream().filter(c -> configMapNames.contains(c.getMetadata().getNamespace() + "/" + c.getMetadata().getName()))
                .forEach(c -> objects.add(new ConfigMapBuilder()
                        .withNewMetadata().withName(c.getMetadata().getName()).withNamespace(c.getMetadata().getNamespace()).endMetadata()
                        .withData(c.getData() == null ? Map.of() : new TreeMap<>(c.getData()))
                        .build()));
        return objects;
    }

    /**
     * The AIServiceBackends a route names: it is fed only once they are seen too (the operator applies them first,
     * but watches of different kinds may deliver them later), since AIGW refuses to start with a route whose
     * backend it cannot find.
     */
    @SuppressWarnings("unchecked")
    private static java.util.Set<String> serviceBackendRefs(GenericKubernetesResource route) {
        var refs = new java.util.HashSet<String>();
        for (var rule : list(GenericResources.spec(route).get("rules"))) {
            for (var backend : list(((Map<String, Object>) rule).get("backendRefs"))) {
                var ref = (Map<String, Object>) backend;
                if (ref.get("group") == null && ref.get("kind") == null) {
                    var namespace = ref.get("namespace") instanceof String ns ? ns : route.getMetadata().getNamespace();
                    refs.add(namespace + "/" + ref.get("name"));
                }
            }
        }
        return refs;
    }

    /** {@code namespace/name} of every HTTPRoute (so: AIGatewayRoute) a SecurityPolicy targets. */
    @SuppressWarnings("unchecked")
    private static java.util.Set<String> targetedRoutes(List<GenericKubernetesResource> policies) {
        var targeted = new java.util.HashSet<String>();
        for (var policy : policies) {
            if (!SECURITY_POLICY_KIND.equals(policy.getKind())) {
                continue;
            }
            for (var target : list(GenericResources.spec(policy).get("targetRefs"))) {
                if (target instanceof Map<?, ?> ref && HTTP_ROUTE_KIND.equals(ref.get("kind"))) {
                    targeted.add(policy.getMetadata().getNamespace() + "/" + ref.get("name"));
                }
            }
        }
        return targeted;
    }

    /** Substitution 3: the JSON paths are those of the cluster Envoy Gateway v1.8.3 renders (one endpoint, TLS). */
    private static Map<String, Object> rateLimitServicePatch(GatewayLayout layout) {
        var address = "/load_assignment/endpoints/0/lb_endpoints/0/endpoint/address/socket_address/";
        return object(ENVOY_GATEWAY_API_VERSION, "EnvoyPatchPolicy", meta(RATE_LIMIT_PATCH, layout.gatewayNamespace()),
                fields(
                        "targetRef", fields("group", GATEWAY_API_GROUP, "kind", GATEWAY_KIND, "name", layout.gatewayName()),
                        "type", "JSONPatch",
                        "jsonPatches", List.of(
                                clusterPatch(fields("op", "remove", "path", "/transport_socket")),
                                clusterPatch(fields("op", "replace", "path", address + "address", "value", "127.0.0.1")),
                                clusterPatch(fields("op", "replace", "path", address + "port_value", "value", layout.rateLimitPort())))));
    }

    private static Map<String, Object> clusterPatch(Map<String, Object> operation) {
        return fields("type", "type.googleapis.com/envoy.config.cluster.v3.Cluster", "name", RATE_LIMIT_CLUSTER,
                "operation", operation);
    }

    /** Substitution 4's content: name, namespace, labels and data, nothing the API server added. */
    private static Secret secret(Secret observed) {
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(observed.getMetadata().getName())
                    .withNamespace(observed.getMetadata().getNamespace())
                    .withLabels(observed.getMetadata().getLabels())
                .endMetadata()
                .withType(observed.getType() == null ? "Opaque" : observed.getType())
                .withData(observed.getData() == null ? Map.of() : new TreeMap<>(observed.getData()))
                .build();
    }

    /** Substitution 5: the object as applied, without what the API server added. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> exported(GenericKubernetesResource resource) {
        var metadata = resource.getMetadata();
        var meta = new ObjectMetaBuilder()
                .withName(metadata.getName())
                .withNamespace(metadata.getNamespace())
                .withLabels(metadata.getLabels())
                .withAnnotations(withoutServerAnnotations(metadata.getAnnotations()))
                // Kept: when routes tie on specificity, Envoy Gateway serves the oldest first (Gateway API).
                .withCreationTimestamp(metadata.getCreationTimestamp())
                .build();
        var map = new LinkedHashMap<String, Object>();
        map.put("apiVersion", resource.getApiVersion());
        map.put("kind", resource.getKind());
        map.put("metadata", meta);
        var spec = GenericResources.spec(resource);
        map.put("spec", spec);
        resource.getAdditionalProperties().forEach((key, value) -> {
            if (!key.equals("spec") && !key.equals("status")) {
                map.put(key, value);
            }
        });
        return map;
    }

    private static @Nullable Map<String, String> withoutServerAnnotations(@Nullable Map<String, String> annotations) {
        if (annotations == null) {
            return null;
        }
        var kept = new TreeMap<String, String>();
        annotations.forEach((key, value) -> {
            if (!key.equals("kubectl.kubernetes.io/last-applied-configuration")) {
                kept.put(key, value);
            }
        });
        return kept.isEmpty() ? null : kept;
    }

    private static Map<String, Object> object(String apiVersion, String kind, Object metadata, Map<String, Object> spec) {
        var map = new LinkedHashMap<String, Object>();
        map.put("apiVersion", apiVersion);
        map.put("kind", kind);
        map.put("metadata", metadata);
        map.put("spec", spec);
        return map;
    }

    private static ObjectMeta meta(String name, String namespace) {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace).build();
    }

    private static List<?> list(@Nullable Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    private static String yaml(List<Object> objects) {
        var out = new StringBuilder();
        for (var object : objects) {
            var text = YAML.asYaml(object);
            out.append(text.startsWith("---") ? text : "---\n" + text);
            if (!text.endsWith("\n")) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static <T extends HasMetadata> List<T> sorted(List<T> objects) {
        return objects.stream()
                .sorted(Comparator.comparing((T o) -> o.getKind() == null ? "" : o.getKind())
                        .thenComparing(o -> o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace())
                        .thenComparing(o -> o.getMetadata().getName()))
                .toList();
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
