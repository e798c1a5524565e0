package dev.nebari.llm.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The catalog keeps what the pages and the API read of a model, not its field-ownership tree. */
@WithKubernetes(upstreamCrds = false)
class ModelCatalogTest {

    @Test
    void keepsSpecAndStatusWithoutManagedFields(TestCluster cluster) {
        var namespace = cluster.newNamespace("catalog");
        var client = cluster.client();
        var model = ModelFixtures.model(namespace, "listed", "org/listed", "access: {groups: [llm-users]}");
        client.resource(model).fieldManager("test").serverSideApply();
        assertThat(client.resources(LLMModel.class).inNamespace(namespace).withName("listed").get().getMetadata().getManagedFields())
                .as("the API server keeps them").isNotEmpty();

        try (var catalog = new ModelCatalog(client)) {
            catalog.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> catalog.find(new ModelRef(namespace, "listed")).isPresent());
            var cached = catalog.find(new ModelRef(namespace, "listed")).orElseThrow();
            assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
            assertThat(cached.getSpec().model().name()).isEqualTo("org/listed");
            assertThat(cached.getSpec().access().groups()).containsExactly("llm-users");
        }
    }
}
