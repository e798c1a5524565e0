package dev.nebari.llm.keys;

import dev.nebari.llm.keys.events.KeysChanged;
import dev.nebari.llm.keys.storage.AuditLogStore;
import dev.nebari.llm.keys.storage.ClientIdAllocator;
import dev.nebari.llm.keys.storage.KeyShardCache;
import dev.nebari.llm.keys.storage.KeyShardWriter;
import dev.nebari.llm.platform.LeanClient;
import dev.nebari.llm.platform.ModelEventRecorder;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

/**
 * Wires the key store. Both halves watch the key Secrets ({@link KeyCredentials} for the gateway renderer,
 * {@link KeysChanged} events); only the portal writes them, so the writer, the service and the sweeper exist only
 * in the {@code portal} profile. {@code keyManager.enabled=false} turns the whole module off.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
class KeysConfiguration {

    /** Ids per allocator write: one write per 1,024 mints per replica (a restart skips the rest of a block). */
    static final int CLIENT_ID_BLOCK = 1_024;
    /** How the portal signs the Events it records on models (the operator signs as {@code nebari-llm-serving}). */
    static final String EVENT_COMPONENT = "nebari-llm-serving/keys";

    /**
     * The client of the key Secrets and audit ConfigMaps, one for the cache, the writer and the audit store: it reads
     * them without their managed fields, which nothing here reads.
     */
    record KeyStoreClient(KubernetesClient client) {
    }

    @Bean
    KeyStoreClient keyStoreClient(KubernetesClient client) {
        return new KeyStoreClient(LeanClient.withoutManagedFields(client, Secret.class, ConfigMap.class));
    }

    @Bean(destroyMethod = "close")
    KeyShardCache keyShardCache(KeyStoreClient keyStore, PackSettings settings, ApplicationEventPublisher events,
            Environment environment) {
        // Only the portal lists a user's keys across models.
        var cache = new KeyShardCache(keyStore.client(), settings.apiKeysNamespace(),
                model -> events.publishEvent(new KeysChanged(model.namespace(), model.name())),
                environment.matchesProfiles("portal"));
        cache.start();
        return cache;
    }

    /**
     * Health contributor {@code apiKeys}, in the portal's readiness group (application.yaml): until the key Secrets
     * have been listed, a user's keys would look absent and per-user limits could not be checked.
     */
    @Bean
    @Profile("portal")
    HealthIndicator apiKeysHealthIndicator(KeyShardCache cache) {
        return () -> cache.hasSynced() ? Health.up().build() : Health.outOfService().build();
    }

    /** {@code nebari_keys_unreadable}: keys whose metadata this version cannot read (not listed, not swept). */
    @Bean
    MeterBinder unreadableKeysGauge(KeyShardCache cache) {
        return registry -> Gauge.builder("nebari.keys.unreadable", cache,
                        c -> c.all().stream().mapToInt(shard -> shard.unreadable().size()).sum())
                .description("API keys whose metadata annotation cannot be read; see docs/troubleshooting.md")
                .register(registry);
    }

    @Bean
    KeyCredentials keyCredentials(KeyShardCache cache) {
        return new KeyCredentials(cache);
    }

    @Bean(destroyMethod = "close")
    @Profile("portal")
    KeyShardWriter keyShardWriter(KubernetesClient client, KeyStoreClient keyStore, KeyShardCache cache,
            PackSettings settings, ObjectProvider<Clock> clock) {
        var allocator = new ClientIdAllocator(client, settings.apiKeysNamespace(),
                clock.getIfAvailable(Clock::systemUTC), new SecureRandom(), CLIENT_ID_BLOCK);
        return new KeyShardWriter(keyStore.client(), cache, allocator);
    }

    @Bean(destroyMethod = "close")
    @Profile("portal")
    ModelEventRecorder keyModelEventRecorder(KubernetesClient client, ObjectProvider<Clock> clock) {
        return new ModelEventRecorder(client, EVENT_COMPONENT, instanceName(), clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @Profile("portal")
    KeyAuditTrail keyAuditTrail(AuditLogStore store, ModelEventRecorder recorder, MeterRegistry meters) {
        return new KeyAuditTrail(store, recorder, meters);
    }

    /** The audit history every portal replica shows, in ConfigMaps beside the key Secrets. */
    @Bean(destroyMethod = "close")
    @Profile("portal")
    AuditLogStore keyAuditStore(KeyStoreClient keyStore, PackSettings settings, ObjectProvider<Clock> clock) {
        var store = new AuditLogStore(keyStore.client(), settings.apiKeysNamespace(),
                clock.getIfAvailable(Clock::systemUTC));
        store.start();
        return store;
    }

    @Bean
    @Profile("portal")
    ApiKeys apiKeys(KeyShardCache cache, KeyShardWriter writer, KeyAuditTrail audit, PackSettings settings,
            ObjectProvider<Clock> clock) {
        return new ApiKeys(cache, writer, audit, settings.keys(), clock.getIfAvailable(Clock::systemUTC),
                new SecureRandom());
    }

    @Bean
    @Profile("portal")
    KeyExpirySweeper keyExpirySweeper(ApiKeys keys, PackSettings settings, Environment environment) {
        return new KeyExpirySweeper(keys, settings.keys().sweepInterval(),
                environment.getProperty("keys.expirySweep.autoStartup", Boolean.class, false));
    }

    /** Leader-only key work (expiry sweep, access-change revocation), switched by the leader gate. */
    @Bean(destroyMethod = "close")
    @Profile("portal")
    KeyMaintenance keyMaintenance(ApiKeys keys, KeyExpirySweeper sweeper, KubernetesClient client) {
        return new KeyMaintenance(keys, sweeper, client, java.time.Duration.ofMinutes(5));
    }

    private static String instanceName() {
        var pod = System.getenv("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "nebari-llm-serving";
        }
    }
}
