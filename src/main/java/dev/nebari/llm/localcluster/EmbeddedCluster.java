package dev.nebari.llm.localcluster;

import dev.nebari.llm.platform.LocalCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded control plane of a run without a cluster, with our CRD and the tested upstream CRDs (from a
 * directory, or fetched from their release URLs) installed. Its kubeconfig path is logged so that kubectl can be pointed at it. With
 * {@code cluster.embeddedControllers} it also runs workloads (see {@link #simulateWorkloads()}).
 */
public final class EmbeddedCluster implements LocalCluster, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);

    /** Per request: a machine that is offline fails fast, one on a slow link still gets the 0.5 MiB files. */
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(20);

    /** GPUs on the simulated node: enough for a handful of demo models. */
    static final int SIMULATED_GPUS = 8;

    private final EmbeddedControlPlane controlPlane;
    private @Nullable KubernetesClient simulationClient;
    private @Nullable SimulatedGatewayControllers gateway;

    EmbeddedCluster(EmbeddedControlPlane controlPlane) {
        this.controlPlane = controlPlane;
    }

    public EmbeddedControlPlane controlPlane() {
        return controlPlane;
    }

    public Path kubeconfig() {
        return controlPlane.kubeconfig();
    }

    @Override
    public Config clientConfig() {
        return controlPlane.clientConfig();
    }

    /**
     * Installs our CRD and the upstream ones: from {@code upstreamCrds} when that directory exists, otherwise from
     * {@code crdUrls} (or their cached copies). Upstream CRDs that cannot be had are reported, not fatal: the models
     * that need them say {@code CRDNotInstalled}, and the rest of the product runs.
     */
    void installCrds(@Nullable Path upstreamCrds, List<URI> crdUrls) {
        installCrds(upstreamCrds, crdUrls, UpstreamCrdDownloads.defaultCacheDirectory());
    }

    void installCrds(@Nullable Path upstreamCrds, List<URI> crdUrls, Path downloadCache) {
        try (var client = controlPlane.newClient()) {
            var installer = new CrdInstaller(client);
            installer.installOwn();
            if (upstreamCrds != null && Files.isDirectory(upstreamCrds)) {
                installer.installTestedSet(upstreamCrds);
            } else if (!crdUrls.isEmpty()) {
                log.info("{}: installing the {} upstream CRDs of cluster.crdUrls (cached in {})",
                        upstreamCrds == null ? "No cluster.crdsDir" : "cluster.crdsDir " + upstreamCrds + " does not exist",
                        crdUrls.size(), downloadCache);
                var fetched = new UpstreamCrdDownloads(downloadCache, DOWNLOAD_TIMEOUT).fetch(crdUrls);
                installer.installAll(fetched.crds());
                if (!fetched.failures().isEmpty()) {
                    log.warn("{} of {} upstream CRDs could not be fetched (offline and not cached yet?); models that need "
                            + "them report CRDNotInstalled. Set cluster.crdsDir to a directory of them. {}",
                            fetched.failures().size(), crdUrls.size(), String.join("; ", fetched.failures()));
                }
            } else if (upstreamCrds != null) {
                log.warn("cluster.crdsDir {} does not exist and no cluster.crdUrls are set; upstream CRDs not installed",
                        upstreamCrds);
            }
        }
        log.info("Embedded Kubernetes API server: {}  kubeconfig: {}  (try: kubectl --kubeconfig {} get llm -A)",
                controlPlane.url(), kubeconfig(), kubeconfig());
    }

    /**
     * Makes models run: kube-controller-manager, kube-scheduler, KWOK with one fake node of {@value #SIMULATED_GPUS}
     * GPUs and the simulated volume provisioner (see {@link EmbeddedControlPlane#startControllers}), plus stand-ins
     * for the gateway controllers that accept our routes and policies. Pods "run" without images being pulled.
     */
    synchronized void simulateWorkloads() {
        if (gateway != null) {
            return;
        }
        controlPlane.startControllers(SIMULATED_GPUS);
        simulationClient = controlPlane.newClient();
        gateway = SimulatedGatewayControllers.start(simulationClient, null);
        log.info("Simulated cluster: controllers, scheduler and a KWOK node with {} GPUs; gateway controllers stand in",
                SIMULATED_GPUS);
    }

    public boolean simulatesWorkloads() {
        return gateway != null;
    }

    @Override
    public synchronized void close() {
        if (gateway != null) {
            gateway.close();
        }
        if (simulationClient != null) {
            simulationClient.close();
        }
        controlPlane.close();
    }
}
