package dev.nebari.llm.catalog;

import io.fabric8.kubernetes.client.KubernetesClient;
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

    /**
     * Health contributor {@code modelCatalog}, in the portal's readiness group (application.yaml): before the
     * first list the pages and the API would answer "no such model", so the replica takes no traffic until then.
     */
    @Bean
    HealthIndicator modelCatalogHealthIndicator(ModelCatalog catalog) {
        return () -> catalog.hasSynced() ? Health.up().build() : Health.outOfService().build();
    }
}
