package dev.nebari.llm.demo;

import dev.nebari.llm.localgateway.GatewayBinaries;
import dev.nebari.llm.localgateway.LocalGateway;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's data path: a real Envoy AI Gateway on the configured ports, fed with what the operator and the portal
 * wrote for the demo models, with simulated model servers behind it. Its binaries are built on the first run
 * (minutes, with progress) and reused after that.
 */
final class DemoGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoGateway.class);

    private final KubernetesClient client;
    private final PackSettings pack;
    private final DemoSettings settings;
    private volatile @Nullable LocalGateway gateway;

    DemoGateway(KubernetesClient client, PackSettings pack, DemoSettings settings) {
        this.client = client;
        this.pack = pack;
        this.settings = settings;
    }

    /** Starts the gateway (building its binaries first if needed); returns false, having said why, if it cannot. */
    boolean start() {
        try {
            var binaries = GatewayBinaries.locate();
            if (binaries.isEmpty()) {
                log.info("Building the demo gateway's binaries (Envoy AI Gateway, the rate-limit service, Envoy) once; "
                        + "this takes 5-10 minutes on 2 cores. The portal works meanwhile.");
            }
            var options = new LocalGateway.Options(false, settings.gateway().externalPort(), settings.gateway().internalPort(),
                    Set.of(settings.namespace()),
                    LocalGateway.prometheusInstalled() ? settings.gateway().prometheusPort() : LocalGateway.Options.NO_PROMETHEUS);
            if (!LocalGateway.prometheusInstalled()) {
                log.info("Prometheus is not installed (Debian: apt-get install prometheus), so the portal shows no usage per key.");
            }
            gateway = LocalGateway.start(client, pack, binaries.orElseGet(GatewayBinaries::locateOrBuild), options);
            return true;
        } catch (RuntimeException e) {
            log.warn("The demo gateway did not start, so the models' endpoints do not answer: {}", e.getMessage());
            return false;
        }
    }

    Optional<LocalGateway> running() {
        return Optional.ofNullable(gateway);
    }

    @Override
    public void close() {
        var current = gateway;
        if (current != null) {
            current.close();
        }
    }
}
