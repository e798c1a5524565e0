package dev.nebari.llm.platform;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the cluster (a {@link LocalCluster} when this process runs one, an explicit kubeconfig, or the usual lookup)
 * and builds the client.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PackSettings.class, ClusterSettings.class})
class KubernetesClientConfiguration {

    @Bean
    KubernetesRequestCounter kubernetesRequestCounter() {
        return new KubernetesRequestCounter();
    }

    @Bean(destroyMethod = "close")
    KubernetesClient kubernetesClient(ClusterSettings settings, ObjectProvider<LocalCluster> local,
            KubernetesRequestCounter requestCounter) {
        var cluster = local.getIfAvailable();
        Config config;
        if (cluster != null) {
            config = cluster.clientConfig();
        } else if (settings.kubeconfigPath() != null) {
            config = Config.fromKubeconfig(read(settings.kubeconfigPath()));
        } else if (ClusterSettings.usualLookupFindsOne()) {
            config = Config.autoConfigure(null);
        } else {
            throw new IllegalStateException("No Kubernetes cluster configured: set KUBECONFIG or cluster.kubeconfig, "
                    + "run in a cluster, or (from a source checkout) allow the embedded control plane "
                    + "(cluster.embedded=auto)");
        }
        // Reconciling hundreds of models at once is mostly waiting on the API server: allow many requests in flight.
        var tuned = new ConfigBuilder(config).withMaxConcurrentRequests(128).build();
        return withOwnKinds(requestCounter.countedClient(tuned));
    }

    /**
     * Registers the pack's own kinds with the client's serialisation. fabric8 finds only the built-in kinds on the class
     * path, so an LLMModel in a watch event was decoded into the generic form and then converted into its class
     * (seen with JFR in the operator's watch threads while 300 models were created, bench/scale).
     */
    static KubernetesClient withOwnKinds(KubernetesClient client) {
        client.getKubernetesSerialization().registerKubernetesResource(LLMModel.class);
        client.getKubernetesSerialization().registerKubernetesResource(PassthroughModel.class);
        return client;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + file, e);
        }
    }
}
