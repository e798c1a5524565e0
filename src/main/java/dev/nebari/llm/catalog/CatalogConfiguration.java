package dev.nebari.llm.catalog;

import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.GroupsCheck;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The catalog serves the pages and the REST API, both in the {@code portal} profile. */
@Configuration(proxyBeanMethods = false)
@Profile("portal")
class CatalogConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    ModelCatalog modelCatalog(KubernetesClient client) {
        return new ModelCatalog(client);
    }

    /** Keys follow the user's groups: checked at sign-in and, throttled, on API calls (keys.groupsCheckInterval). */
    @Bean
    @ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
    GroupsCheck groupsCheck(ApiKeys keys, ModelCatalog catalog,
            @Value("${keys.groupsCheckInterval:10m}") Duration interval) {
        return new GroupsCheck(keys, catalog, interval, Clock.systemUTC());
    }

    /**
     * Health contributor {@code modelCatalog}, in the portal's readiness group (application.yaml): before the
     * first list the pages and the API would answer "no such model", so the replica takes no traffic until then.
     */
    @Bean
    HealthIndicator modelCatalogHealthIndicator(ModelCatalog catalog) {
        return () -> catalog.hasSynced() ? Health.up().build() : Health.outOfService().build();
    }
}
