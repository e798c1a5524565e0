package dev.nebari.llm.platform;

import dev.nebari.llm.platform.embedded.EmbeddedControlPlane;
import dev.nebari.llm.platform.embedded.KubernetesBinaries;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the cluster (explicit kubeconfig, the usual lookup, or an embedded control plane) and builds the client. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PackSettings.class, ClusterSettings.class})
class KubernetesClientConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KubernetesClientConfiguration.class);

    @Bean(destroyMethod = "close")
    @Nullable EmbeddedCluster embeddedCluster(ClusterSettings settings) {
        var mode = settings.embedded();
        var useEmbedded = mode == ClusterSettings.EmbeddedMode.ALWAYS
                || (mode == ClusterSettings.EmbeddedMode.AUTO && settings.kubeconfigPath() == null && !clusterConfigured());
        if (!useEmbedded) {
            return null;
        }
        log.info("No Kubernetes cluster configured: starting an embedded control plane (cluster.embedded={})",
                mode.name().toLowerCase());
        var cluster = new EmbeddedCluster(EmbeddedControlPlane.start(KubernetesBinaries.locateOrBuild()));
        try {
            cluster.installCrds(settings.crdsPath(), settings.crdUris());
            if (settings.embeddedControllers()) {
                cluster.simulateWorkloads();
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    @Bean
    KubernetesRequestCounter kubernetesRequestCounter() {
        return new KubernetesRequestCounter();
    }

    @Bean(destroyMethod = "close")
    KubernetesClient kubernetesClient(ClusterSettings settings, ObjectProvider<EmbeddedCluster> embedded,
            KubernetesRequestCounter requestCounter) {
        var cluster = embedded.getIfAvailable();
        Config config;
        if (cluster != null) {
            config = cluster.controlPlane().clientConfig();
        } else if (settings.kubeconfigPath() != null) {
            config = Config.fromKubeconfig(read(settings.kubeconfigPath()));
        } else if (clusterConfigured()) {
            config = Config.autoConfigure(null);
        } else {
            throw new IllegalStateException("No Kubernetes cluster configured: set KUBECONFIG or cluster.kubeconfig, "
                    + "run in a cluster, or allow the embedded control plane (cluster.embedded=auto)");
        }
        // Reconciling hundreds of models at once is mostly waiting on the API server: allow many requests in flight.
        var tuned = new ConfigBuilder(config).withMaxConcurrentRequests(128).build();
        return new KubernetesClientBuilder().withConfig(tuned)
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor(KubernetesRequestCounter.NAME,
                        requestCounter))
                .build();
    }

    /** True when the usual fabric8 lookup would find a cluster: in-cluster service account or a kubeconfig. */
    static boolean clusterConfigured() {
        if (System.getenv("KUBERNETES_SERVICE_HOST") != null
                && Files.exists(Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH))) {
            return true;
        }
        var kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return true;
        }
        if (System.getProperty("kubernetes.master") != null) {
            return true;
        }
        return Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + file, e);
        }
    }
}
