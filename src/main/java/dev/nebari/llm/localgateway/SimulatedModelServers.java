package dev.nebari.llm.localgateway;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link SimulatedModelServer} per model Deployment the operator rendered, in place of its vLLM pods: it serves
 * the model ids the Deployment passes to vLLM ({@code --served-model-name}, and with {@code --enable-lora} the names
 * of its {@code --lora-modules}), so a Deployment that named the wrong model or adapter would be caught here as it
 * would be by vLLM. A Deployment scaled to zero has no server, as it has no pods.
 * An InferencePool's endpoints are the server of the Deployment whose pod labels its selector matches.
 */
final class SimulatedModelServers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedModelServers.class);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** By Deployment {@code namespace/name}. */
    private final Map<String, SimulatedModelServer> servers = new ConcurrentHashMap<>();

    /**
     * Starts servers for new Deployments, stops those of Deployments that went (or were scaled to zero) and returns
     * the port of each InferencePool's server by {@code namespace/pool}.
     */
    synchronized Map<String, Integer> follow(List<Deployment> deployments, List<GenericKubernetesResource> pools) {
        var wanted = new HashMap<String, ServedModels>();
        for (var deployment : deployments) {
            var served = servedModels(deployment);
            var replicas = deployment.getSpec().getReplicas();
            if (served != null && (replicas == null || replicas > 0)) {
                wanted.put(key(deployment.getMetadata().getNamespace(), deployment.getMetadata().getName()), served);
            }
        }
        servers.entrySet().removeIf(entry -> {
            var stale = !entry.getValue().served().equals(wanted.get(entry.getKey()));
            if (stale) {
                entry.getValue().close();
                log.info("Stopped the simulated model server of {}", entry.getKey());
            }
            return stale;
        });
        wanted.forEach((deployment, served) -> servers.computeIfAbsent(deployment, key -> {
            var server = SimulatedModelServer.start(served, executor);
            log.info("Simulated model server for {} ({}) on 127.0.0.1:{}", key, served.ids(), server.port());
            return server;
        }));
        var ports = new HashMap<String, Integer>();
        for (var pool : pools) {
            var namespace = pool.getMetadata().getNamespace();
            serverSelectedBy(namespace, matchLabels(pool), deployments).ifPresent(server ->
                    ports.put(GatewayFeed.PackState.poolKey(namespace, pool.getMetadata().getName()), server.port()));
        }
        return ports;
    }

    /**
     * The port of each model Service's server by {@code namespace/service}: the server of the Deployment whose pods
     * the Service selects (call after {@link #follow}). A Backend at the Service's DNS name reaches it.
     */
    synchronized Map<String, Integer> servicePorts(List<Deployment> deployments, List<Service> services) {
        var ports = new HashMap<String, Integer>();
        for (var service : services) {
            var namespace = service.getMetadata().getNamespace();
            var selector = service.getSpec() == null || service.getSpec().getSelector() == null ? Map.<String, String>of()
                    : service.getSpec().getSelector();
            serverSelectedBy(namespace, selector, deployments).ifPresent(server ->
                    ports.put(GatewayFeed.PackState.poolKey(namespace, service.getMetadata().getName()), server.port()));
        }
        return ports;
    }

    private Optional<SimulatedModelServer> serverSelectedBy(String namespace, Map<String, String> selector,
            List<Deployment> deployments) {
        for (var deployment : deployments) {
            var server = servers.get(key(namespace, deployment.getMetadata().getName()));
            if (server != null && namespace.equals(deployment.getMetadata().getNamespace())
                    && !selector.isEmpty() && podLabels(deployment).entrySet().containsAll(selector.entrySet())) {
                return Optional.of(server);
            }
        }
        return Optional.empty();
    }

    Optional<SimulatedModelServer> server(String namespace, String deployment) {
        return Optional.ofNullable(servers.get(key(namespace, deployment)));
    }

    static @Nullable ServedModels servedModels(Deployment deployment) {
        var template = deployment.getSpec().getTemplate();
        if (template == null || template.getSpec() == null) {
            return null;
        }
        for (var container : template.getSpec().getContainers()) {
            var served = ServedModels.fromArgs(container.getArgs() == null ? List.of() : container.getArgs());
            if (served != null) {
                return served;
            }
        }
        return null;
    }

    private static Map<String, String> podLabels(Deployment deployment) {
        var labels = deployment.getSpec().getTemplate().getMetadata() == null ? null
                : deployment.getSpec().getTemplate().getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> matchLabels(GenericKubernetesResource pool) {
        var spec = dev.nebari.llm.platform.GenericResources.spec(pool);
        if (spec.get("selector") instanceof Map<?, ?> selector && selector.get("matchLabels") instanceof Map<?, ?> labels) {
            return (Map<String, String>) labels;
        }
        return Map.of();
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(SimulatedModelServer::close);
        servers.clear();
        executor.close();
    }
}
