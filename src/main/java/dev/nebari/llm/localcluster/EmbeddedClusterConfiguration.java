package dev.nebari.llm.localcluster;

import dev.nebari.llm.platform.ClusterSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts an embedded control plane when {@code cluster.embedded} asks for one ({@code always}, or {@code auto} with
 * no cluster configured); the platform's Kubernetes client then talks to it, as the {@link
 * dev.nebari.llm.platform.LocalCluster} of this run.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmbeddedClusterSettings.class)
class EmbeddedClusterConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedClusterConfiguration.class);

    @Bean(destroyMethod = "close")
    @Nullable EmbeddedCluster embeddedCluster(EmbeddedClusterSettings settings, ClusterSettings cluster) {
        var mode = settings.embedded();
        var useEmbedded = mode == EmbeddedClusterSettings.EmbeddedMode.ALWAYS
                || (mode == EmbeddedClusterSettings.EmbeddedMode.AUTO && !cluster.configured());
        if (!useEmbedded) {
            return null;
        }
        log.info("No Kubernetes cluster configured: starting an embedded control plane (cluster.embedded={})",
                mode.name().toLowerCase());
        var embedded = new EmbeddedCluster(EmbeddedControlPlane.start(KubernetesBinaries.locateOrBuild()));
        try {
            embedded.installCrds(settings.crdsPath(), settings.crdUris());
            if (settings.embeddedControllers()) {
                embedded.simulateWorkloads();
            }
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
        return embedded;
    }
}
