package dev.nebari.llm.localgateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;

import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.model.ModelObjects;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Watches, read-only, what the gateway is fed: the pack's gateway objects (routes, security and traffic policies,
 * reference grants, weighted backends, external providers' backends and their policies), the key Secrets in the keys
 * namespace, the Secrets and ConfigMaps of the model namespaces (a provider's credential and CA, when scoped to
 * namespaces), and the model Deployments, InferencePools and Services that decide where each pool's and each
 * Service's simulated server is. Every change calls {@code onChange}. It watches every namespace, or only
 * the given model namespaces and the keys namespace (tests share one API server and keep to their own).
 */
final class PackWatcher implements AutoCloseable {

    private static final String PACK_SELECTOR = ModelObjects.MANAGED_BY + "=" + ModelObjects.PACK;

    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> routes = new ArrayList<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> policies = new ArrayList<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> grants = new ArrayList<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> pools = new ArrayList<>();
    private final List<SharedIndexInformer<Deployment>> deployments = new ArrayList<>();
    /** Backends, BackendTLSPolicies, AIServiceBackends and BackendSecurityPolicies: providers' and weighted revisions'. */
    private final List<SharedIndexInformer<GenericKubernetesResource>> backendObjects = new ArrayList<>();
    private final List<SharedIndexInformer<Secret>> secrets = new ArrayList<>();
    private final List<SharedIndexInformer<ConfigMap>> configMaps = new ArrayList<>();
    private final List<SharedIndexInformer<Service>> services = new ArrayList<>();
    private final SharedIndexInformer<Secret> keySecrets;

    /** @param namespaces the model namespaces to watch (the keys namespace is always watched); empty for all */
    PackWatcher(KubernetesClient client, String keysNamespace, Set<String> namespaces, Runnable onChange) {
        var scopes = new ArrayList<@Nullable String>();
        if (namespaces.isEmpty()) {
            scopes.add(null);
        } else {
            scopes.addAll(new TreeSet<>(namespaces));
            if (!namespaces.contains(keysNamespace)) {
                scopes.add(keysNamespace); // the key-check route, its policy and the ReferenceGrants live there
            }
        }
        for (var scope : scopes) {
            routes.add(generic(client, scope, AI_GATEWAY_ROUTE_API_VERSION, AI_GATEWAY_ROUTE_KIND, onChange));
            policies.add(generic(client, scope, ENVOY_GATEWAY_API_VERSION, SECURITY_POLICY_KIND, onChange));
            policies.add(generic(client, scope, ENVOY_GATEWAY_API_VERSION, BACKEND_TRAFFIC_POLICY_KIND, onChange));
            grants.add(generic(client, scope, REFERENCE_GRANT_API_VERSION, "ReferenceGrant", onChange));
            pools.add(generic(client, scope, INFERENCE_POOL_API_VERSION, INFERENCE_POOL_KIND, onChange));
            // external providers' objects and weighted revisions' backends, and the admin's credential Secrets and CA
            // ConfigMaps a provider names; only kinds whose CRD is installed (an informer on a missing kind never
            // syncs, and the feed waits for sync)
            for (var kind : List.of(List.of(ENVOY_GATEWAY_API_VERSION, BACKEND_KIND),
                    List.of(BACKEND_TLS_POLICY_API_VERSION, BACKEND_TLS_POLICY_KIND),
                    List.of(AI_GATEWAY_ROUTE_API_VERSION, AI_SERVICE_BACKEND_KIND),
                    List.of(AI_GATEWAY_ROUTE_API_VERSION, BACKEND_SECURITY_POLICY_KIND))) {
                if (dev.nebari.llm.platform.ServedKinds.served(client, kind.get(0), kind.get(1))) {
                    backendObjects.add(generic(client, scope, kind.get(0), kind.get(1), onChange));
                }
            }
            if (scope == null || !scope.equals(keysNamespace)) {
                secrets.add(add(client.secrets().inNamespace(scope).inform(handler(onChange))));
                configMaps.add(add(client.configMaps().inNamespace(scope).inform(handler(onChange))));
            }
            var servicesHere = scope == null ? client.services().inAnyNamespace() : client.services().inNamespace(scope);
            services.add(add(servicesHere
                    .withLabel(ModelObjects.MANAGED_BY, ModelObjects.PACK)
                    .withLabel(ModelObjects.COMPONENT, ModelObjects.Component.MODEL_SERVER.label())
                    .inform(handler(onChange))));
            var deploymentsHere = scope == null ? client.apps().deployments().inAnyNamespace()
                    : client.apps().deployments().inNamespace(scope);
            deployments.add(add(deploymentsHere
                    .withLabel(ModelObjects.MANAGED_BY, ModelObjects.PACK)
                    .withLabel(ModelObjects.COMPONENT, ModelObjects.Component.MODEL_SERVER.label())
                    .inform(handler(onChange))));
        }
        keySecrets = add(client.secrets().inNamespace(keysNamespace)
                .withLabel(ModelObjects.COMPONENT, KeyCredentials.SECRET_COMPONENT).inform(handler(onChange)));
    }

    private SharedIndexInformer<GenericKubernetesResource> generic(KubernetesClient client, @Nullable String namespace,
            String apiVersion, String kind, Runnable onChange) {
        var resources = client.genericKubernetesResources(apiVersion, kind);
        var scoped = namespace == null ? resources.inAnyNamespace() : resources.inNamespace(namespace);
        return add(scoped.withLabelSelector(PACK_SELECTOR).inform(handler(onChange)));
    }

    private <T extends HasMetadata> SharedIndexInformer<T> add(SharedIndexInformer<T> informer) {
        informers.add(informer);
        return informer;
    }

    private static <T> List<T> all(List<SharedIndexInformer<T>> informers) {
        return informers.stream().flatMap(informer -> informer.getStore().list().stream()).toList();
    }

    boolean hasSynced() {
        return informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    List<GenericKubernetesResource> routes() {
        return all(routes);
    }

    List<GenericKubernetesResource> policies() {
        return all(policies);
    }

    List<GenericKubernetesResource> grants() {
        return all(grants);
    }

    List<GenericKubernetesResource> pools() {
        return all(pools);
    }

    /** The AIServiceBackends and Backends the operator rendered for weighted revisions (owned by an LLMModel). */
    List<GenericKubernetesResource> backends() {
        return all(backendObjects).stream().filter(o -> ownedBy(o, "LLMModel")).toList();
    }

    List<Service> services() {
        return all(services);
    }

    List<Secret> keySecrets() {
        return keySecrets.getStore().list();
    }

    /** Backends, BackendTLSPolicies, AIServiceBackends and BackendSecurityPolicies of external providers. */
    List<GenericKubernetesResource> providers() {
        return all(backendObjects).stream().filter(o -> ownedBy(o, "PassthroughModel")).toList();
    }

    private static boolean ownedBy(GenericKubernetesResource object, String kind) {
        var owners = object.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(owner -> kind.equals(owner.getKind()));
    }

    /** Secrets of the model namespaces (only those a BackendSecurityPolicy names are fed). */
    List<Secret> secrets() {
        return all(secrets);
    }

    /** ConfigMaps of the model namespaces (only those a BackendTLSPolicy names are fed). */
    List<ConfigMap> configMaps() {
        return all(configMaps);
    }

    List<Deployment> deployments() {
        return all(deployments);
    }

    private static <T> ResourceEventHandler<T> handler(Runnable onChange) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.run();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.run();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onChange.run();
            }
        };
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
