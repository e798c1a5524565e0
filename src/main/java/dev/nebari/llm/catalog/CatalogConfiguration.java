package dev.nebari.llm.catalog;

import io.fabric8.kubernetes.client.KubernetesClient;
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
}
