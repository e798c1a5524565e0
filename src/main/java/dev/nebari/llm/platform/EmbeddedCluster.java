package dev.nebari.llm.platform;

import dev.nebari.llm.platform.embedded.CrdInstaller;
import dev.nebari.llm.platform.embedded.EmbeddedControlPlane;
import dev.nebari.llm.platform.embedded.SimulatedGatewayControllers;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded control plane of a run without a cluster, with our CRD (and, when a directory is configured, the
 * tested upstream CRDs) installed. Its kubeconfig path is logged so that kubectl can be pointed at it. With
 * {@code cluster.embeddedControllers} it also runs workloads (see {@link #simulateWorkloads()}).
 */
public final class EmbeddedCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);

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
