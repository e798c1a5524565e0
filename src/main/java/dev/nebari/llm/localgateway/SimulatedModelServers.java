package dev.nebari.llm.localgateway;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link SimulatedModelServer} per replica of each model Deployment the operator rendered, in place of its vLLM
 * pods: each serves the model ids the Deployment passes to vLLM ({@code --served-model-name}, and with
 * {@code --enable-lora} the names of its {@code --lora-modules}), so a Deployment that named the wrong model or
 * adapter would be caught here as it would be by vLLM. A Deployment scaled to zero has no server, as it has no pods;
 * one scaled to three (by its model's {@code serving.replicas}, the scale subresource or an autoscaler) has three.
 * An InferencePool's endpoints are the servers of the Deployment whose pod labels its selector matches.
 */
final class SimulatedModelServers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedModelServers.class);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** By Deployment {@code namespace/name}: one server per replica, in replica order. */
    private final Map<String, List<SimulatedModelServer>> servers = new ConcurrentHashMap<>();

    /**
     * Starts and stops servers so that each Deployment has one per replica (all of them anew when what it serves
     * changed) and returns the ports of each InferencePool's servers by {@code namespace/pool}.
     */
    synchronized Map<String, List<Integer>> follow(List<Deployment> deployments, List<GenericKubernetesResource> pools) {
        var wanted = new HashMap<String, Wanted>();
        for (var deployment : deployments) {
            var served = servedModels(deployment);
            var replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
            if (served != null && replicas > 0) {
                wanted.put(key(deployment.getMetadata().getNamespace(), deployment.getMetadata().getName()),
                        new Wanted(served, replicas));
            }
        }
        servers.entrySet().removeIf(entry -> {
            var want = wanted.get(entry.getKey());
            var stale = want == null || !entry.getValue().getFirst().served().equals(want.served());
            if (stale) {
                entry.getValue().forEach(SimulatedModelServer::close);
                log.info("Stopped the simulated model servers of {}", entry.getKey());
            }
            return stale;
        });
        wanted.forEach((deployment, want) -> {
            var running = new ArrayList<>(servers.getOrDefault(deployment, List.of()));
            while (running.size() > want.replicas()) {
                running.removeLast().close();
            }
            while (running.size() < want.replicas()) {
                var server = SimulatedModelServer.start(want.served(), executor);
                log.info("Simulated model server {} of {} ({}) on 127.0.0.1:{}", running.size(), deployment,
                        want.served().ids(), server.port());
                running.add(server);
            }
            servers.put(deployment, List.copyOf(running));
        });
        var ports = new HashMap<String, List<Integer>>();
        for (var pool : pools) {
            var namespace = pool.getMetadata().getNamespace();
            var selected = serversSelectedBy(namespace, matchLabels(pool), deployments);
            if (!selected.isEmpty()) {
                ports.put(GatewayFeed.PackState.poolKey(namespace, pool.getMetadata().getName()), portsOf(selected));
            }
        }
        return ports;
    }

    private record Wanted(ServedModels served, int replicas) {
    }

    /**
     * The ports of each model Service's servers by {@code namespace/service}: the servers of the Deployment whose pods
     * the Service selects (call after {@link #follow}). A Backend at the Service's DNS name reaches them.
     */
    synchronized Map<String, List<Integer>> servicePorts(List<Deployment> deployments, List<Service> services) {
        var ports = new HashMap<String, List<Integer>>();
        for (var service : services) {
            var namespace = service.getMetadata().getNamespace();
            var selector = service.getSpec() == null || service.getSpec().getSelector() == null ? Map.<String, String>of()
                    : service.getSpec().getSelector();
            var selected = serversSelectedBy(namespace, selector, deployments);
            if (!selected.isEmpty()) {
                ports.put(GatewayFeed.PackState.poolKey(namespace, service.getMetadata().getName()), portsOf(selected));
            }
        }
        return ports;
    }

    private static List<Integer> portsOf(List<SimulatedModelServer> servers) {
        return servers.stream().map(SimulatedModelServer::port).toList();
    }

    private List<SimulatedModelServer> serversSelectedBy(String namespace, Map<String, String> selector,
            List<Deployment> deployments) {
        for (var deployment : deployments) {
            var running = servers.get(key(namespace, deployment.getMetadata().getName()));
            if (running != null && namespace.equals(deployment.getMetadata().getNamespace())
                    && !selector.isEmpty() && podLabels(deployment).entrySet().containsAll(selector.entrySet())) {
                return running;
            }
        }
        return List.of();
    }

    /** The servers of a Deployment, one per replica (empty when it has none, or none yet). */
    List<SimulatedModelServer> servers(String namespace, String deployment) {
        return servers.getOrDefault(key(namespace, deployment), List.of());
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
        servers.values().forEach(running -> running.forEach(SimulatedModelServer::close));
        servers.clear();
        executor.close();
    }
}
