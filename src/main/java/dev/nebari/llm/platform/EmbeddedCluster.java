package dev.nebari.llm.platform;

import dev.nebari.llm.platform.embedded.CrdInstaller;
import dev.nebari.llm.platform.embedded.EmbeddedControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded control plane of a run without a cluster, with our CRD (and, when a directory is configured, the
 * tested upstream CRDs) installed. Its kubeconfig path is logged so that kubectl can be pointed at it.
 */
public final class EmbeddedCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);

    private final EmbeddedControlPlane controlPlane;

    EmbeddedCluster(EmbeddedControlPlane controlPlane) {
        this.controlPlane = controlPlane;
    }

    public EmbeddedControlPlane controlPlane() {
        return controlPlane;
    }

    public Path kubeconfig() {
        return controlPlane.kubeconfig();
    }

    void installCrds(@Nullable Path upstreamCrds) {
        try (var client = controlPlane.newClient()) {
            var installer = new CrdInstaller(client);
            installer.installOwn();
            if (upstreamCrds != null && Files.isDirectory(upstreamCrds)) {
                installer.installTestedSet(upstreamCrds);
            } else if (upstreamCrds != null) {
                log.warn("cluster.crdsDir {} does not exist; upstream CRDs not installed", upstreamCrds);
            }
        }
        log.info("Embedded Kubernetes API server: {}  kubeconfig: {}  (try: kubectl --kubeconfig {} get llm -A)",
                controlPlane.url(), kubeconfig(), kubeconfig());
    }

    @Override
    public void close() {
        controlPlane.close();
    }
}
