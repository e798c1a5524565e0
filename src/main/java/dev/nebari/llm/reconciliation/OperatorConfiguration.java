package dev.nebari.llm.reconciliation;

import dev.nebari.llm.identity.IssuerLookup;
import dev.nebari.llm.identity.OidcDiscovery;
import dev.nebari.llm.platform.ModelEventRecorder;
import dev.nebari.llm.platform.PodNamespace;
import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.manifests.DesiredState;
import org.springframework.beans.factory.ObjectProvider;
import dev.nebari.llm.platform.LeaderGate;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The reconciler, in the {@code operator} profile only. */
@Configuration(proxyBeanMethods = false)
@Profile("operator")
@EnableConfigurationProperties(ReconcilerSettings.class)
class OperatorConfiguration {

    @Bean(destroyMethod = "close")
    ModelController modelController(KubernetesClient client, PackSettings pack, ReconcilerSettings settings,
            OidcDiscovery discovery, LeaderGate leader, MeterRegistry meters, ObjectProvider<KeyCredentials> keys) {
        // The issuer comes from where the portal takes it: configured, or the NebariApp's Secret (chart default).
        var issuer = new IssuerLookup(pack.auth().oidc(), client, PodNamespace.current(), Clock.systemUTC());
        return modelController(client, pack, settings, new AccessInputsSource(discovery, keys.getIfAvailable(), issuer::current),
                new ModelEventRecorder(client, ModelReconciler.EVENT_COMPONENT, leader.identity(), Clock.systemUTC()),
                new DownloadProgress.FromPodLog(client, Clock.systemUTC(), settings.downloadPollInterval()), meters);
    }

    /** The model controller and its reconciler, put together as the operator runs them (tests build theirs here too). */
    static ModelController modelController(KubernetesClient client, PackSettings pack, ReconcilerSettings settings,
            AccessInputsSource access, ModelEventRecorder events, DownloadProgress downloads, MeterRegistry meters) {
        var desired = new DesiredState(pack, access);
        var aggregator = new StatusAggregator(pack, Clock.systemUTC());
        var controller = new ModelController(client, settings,
                view -> new ModelReconciler(client, view, pack, desired, aggregator, events, downloads,
                        settings.routeDrainDelay(), Clock.systemUTC()), meters, pack.apiKeysNamespace());
        access.onProviderChange(controller::resyncAll);
        return controller;
    }

    @Bean(destroyMethod = "close")
    KeyCheckRouteController keyCheckRouteController(KubernetesClient client, PackSettings pack,
            ObjectProvider<KeyCredentials> keys, ReconcilerSettings settings) {
        return new KeyCheckRouteController(new KeyCheckRouteSync(client, pack, keys.getIfAvailable()), settings.resyncPeriod());
    }

    @Bean(destroyMethod = "close")
    SharedListenerController sharedListenerController(KubernetesClient client, PackSettings pack, ReconcilerSettings settings) {
        return new SharedListenerController(new SharedListenerSync(client, pack), settings.listenerCheckInterval());
    }
}
