package dev.nebari.llm.reconciliation;

import dev.nebari.llm.identity.OidcDiscovery;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.platform.ModelEventRecorder;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/**
 * A reconciler running against the test cluster, built by the operator profile's own factory
 * ({@link OperatorConfiguration#modelController}, without Spring): its own
 * client with a request counter, a fake OIDC issuer, the keys namespace in place.
 */
final class RunningReconciler implements AutoCloseable {

    final KubernetesClient client;
    final KubernetesRequestCounter requests = new KubernetesRequestCounter();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final FakeOidcIssuer issuer;
    private final boolean ownsIssuer;
    final ModelController controller;

    RunningReconciler(TestCluster cluster, Duration requeueAfter) {
        this(cluster, requeueAfter, pod -> java.util.Optional.empty());
    }

    /** @param downloads stands in for reading the downloader's log (no kubelet serves logs in the simulated cluster) */
    RunningReconciler(TestCluster cluster, Duration requeueAfter, DownloadProgress downloads) {
        this(cluster, cluster.controlPlane().clientConfig(), requeueAfter, downloads);
    }

    /** @param identity the client configuration to reconcile with (e.g. impersonating the chart's ServiceAccount) */
    RunningReconciler(TestCluster cluster, io.fabric8.kubernetes.client.Config identity, Duration requeueAfter,
            DownloadProgress downloads) {
        this(cluster, identity, requeueAfter, downloads, null);
    }

    /** @param issuer an OIDC issuer shared with other reconcilers (an operator's restart), left running on close */
    RunningReconciler(TestCluster cluster, FakeOidcIssuer issuer) {
        this(cluster, cluster.controlPlane().clientConfig(), Duration.ofSeconds(30), pod -> java.util.Optional.empty(), issuer);
    }

    private RunningReconciler(TestCluster cluster, io.fabric8.kubernetes.client.Config identity, Duration requeueAfter,
            DownloadProgress downloads, @org.jspecify.annotations.Nullable FakeOidcIssuer sharedIssuer) {
        ownsIssuer = sharedIssuer == null;
        issuer = ownsIssuer ? FakeOidcIssuer.start() : sharedIssuer;
        client = requests.countedClient(identity);
        var settings = ModelFixtures.settings(PackSettings.RoutingMode.SHARED, issuer.issuer(), "nebari-llm-downloader:0.1.0");
        cluster.ensureNamespace(settings.apiKeysNamespace());
        var access = new AccessInputsSource(settings, new OidcDiscovery(HttpClient.newHttpClient(), Clock.systemUTC()), null);
        var events = new ModelEventRecorder(client, ModelReconciler.EVENT_COMPONENT, "test", Clock.systemUTC());
        controller = OperatorConfiguration.modelController(client, settings,
                new ReconcilerSettings(4, Duration.ofMinutes(10), Duration.ofMillis(200), Duration.ofSeconds(5), requeueAfter, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ZERO),
                access, events, downloads, meters);
        controller.start();
    }

    /**
     * Waits until nothing has been reconciled or due for five seconds. When an earlier test class started the
     * simulated cluster, pods of its models move through their stages for a few seconds (real changes, which rightly
     * cause status writes); steady state begins after that.
     */
    void awaitQuiet() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(new java.util.concurrent.Callable<>() {
                    int idleChecks;
                    long reconciled = -1;

                    @Override
                    public Boolean call() {
                        var now = reconciles();
                        idleChecks = controller.isIdle() && now == reconciled ? idleChecks + 1 : 0;
                        reconciled = now;
                        return idleChecks >= 10;
                    }
                });
    }

    long reconciles() {
        return meters.find("nebari.reconcile").timers().stream().mapToLong(t -> t.count()).sum();
    }

    @Override
    public void close() {
        controller.stop();
        client.close();
        if (ownsIssuer) {
            issuer.close();
        }
    }
}
