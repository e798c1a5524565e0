package dev.nebari.llm.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The webhook's view of the models costs one list and a watch, not a list of every model per review: with N models
 * created through the webhook, that was N lists of up to N models (bench/scale).
 */
@WithKubernetes(upstreamCrds = false)
class ApiServerLookupTest {

    @Test
    void reviewsReadTheModelsFromAWatchedCacheWithoutTheirManagedFieldsAndStatus(TestCluster cluster) throws Exception {
        var namespace = cluster.newNamespace("lookup");
        var counter = new KubernetesRequestCounter();
        try (var client = counter.countedClient(cluster.controlPlane().clientConfig());
                var lookup = new ApiServerLookup(client)) {
            cluster.client().resource(ModelFixtures.model(namespace, "first", "org/first", "access: {groups: [llm-users]}")).fieldManager("test").serverSideApply();
            await().atMost(Duration.ofSeconds(30)).until(() -> lookup.models().stream()
                    .anyMatch(m -> m.getMetadata().getName().equals("first") && namespace.equals(m.getMetadata().getNamespace())));
            var listsBefore = counter.byVerbAndResource().getOrDefault("LIST llmmodels", 0L);

            cluster.client().resource(ModelFixtures.model(namespace, "second", "org/second", "access: {groups: [llm-users]}")).create();
            await().atMost(Duration.ofSeconds(30)).until(() -> lookup.models().stream()
                    .anyMatch(m -> m.getMetadata().getName().equals("second")));
            for (int review = 0; review < 20; review++) {
                assertThat(lookup.models()).isNotEmpty();
            }

            assertThat(counter.byVerbAndResource().getOrDefault("LIST llmmodels", 0L)).isEqualTo(listsBefore);
            var first = lookup.models().stream().filter(m -> m.getMetadata().getName().equals("first")).findFirst().orElseThrow();
            assertThat(first.getMetadata().getManagedFields()).isNullOrEmpty();
            assertThat(first.getStatus()).isNull();
            assertThat(first.getSpec().model().name()).isEqualTo("org/first");
        }
    }

    /**
     * A review finds the models that claim one of the same ids or the subdomain from an index, not by comparing with
     * every model: with N models created, that was N² comparisons.
     */
    @Test
    void modelsClaimingAnIdOrASubdomainComeFromTheIndex(TestCluster cluster) {
        var namespace = cluster.newNamespace("lookup-claims");
        try (var lookup = new ApiServerLookup(cluster.client())) {
            cluster.client().resource(ModelFixtures.model(namespace, "llama", "org/llama", "access: {groups: [llm-users]}")).create();
            cluster.client().resource(ModelFixtures.model(namespace, "qwen", "org/qwen", "access: {groups: [llm-users]}")).create();
            await().atMost(Duration.ofSeconds(30)).until(() -> lookup.models().stream()
                    .filter(m -> namespace.equals(m.getMetadata().getNamespace())).count() == 2);
            var llama = lookup.models().stream().filter(m -> m.getMetadata().getName().equals("llama")).findFirst().orElseThrow();

            assertThat(lookup.modelsClaiming(List.of("org/llama"))).extracting(m -> m.getMetadata().getName())
                    .containsExactly("llama");
            var subdomain = ModelObjects.subdomain(llama.getSpec());
            assertThat(lookup.modelsClaiming(List.of(subdomain))).extracting(m -> m.getMetadata().getName())
                    .containsExactly("llama");
            assertThat(lookup.modelsClaiming(List.of("org/llama", "org/qwen"))).hasSize(2);
            assertThat(lookup.modelsClaiming(List.of("org/nobody"))).isEmpty();
            assertThat(lookup.modelsClaiming(ModelIdSharing.claims(llama)))
                    .as("the same as comparing with every model").isEqualTo(new ClusterLookup() {
                        @Override
                        public Optional<Map<String, String>> namespaceLabels(String ns) {
                            return Optional.empty();
                        }

                        @Override
                        public List<LLMModel> models() {
                            return lookup.models();
                        }

                        @Override
                        public SecretPresence secret(String ns, String name) {
                            return SecretPresence.ABSENT;
                        }
                    }.modelsClaiming(ModelIdSharing.claims(llama)));
        }
    }

    /** Whether a namespace is managed, and which external providers exist, are read from watched caches too. */
    @Test
    void reviewsReadNamespaceLabelsAndProvidersFromWatchedCaches(TestCluster cluster) {
        var namespace = cluster.newNamespace("lookup-ns");
        var counter = new KubernetesRequestCounter();
        try (var client = counter.countedClient(cluster.controlPlane().clientConfig());
                var lookup = new ApiServerLookup(client)) {
            cluster.client().namespaces().withName(namespace).edit(ns ->
                    new io.fabric8.kubernetes.api.model.NamespaceBuilder(ns).editMetadata().addToLabels("team", "a").endMetadata().build());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(lookup.namespaceLabels(namespace)).hasValueSatisfying(labels -> assertThat(labels).containsEntry("team", "a")));
            assertThat(lookup.namespaceLabels("no-such-namespace")).isEmpty();
            lookup.passthroughModels(); // finds the kind served and starts watching it
            var provider = dev.nebari.llm.model.PassthroughFixtures.referencePassthrough();
            provider.getMetadata().setNamespace(namespace);
            provider.getMetadata().setUid(null);
            cluster.client().resource(provider).create();
            await().atMost(Duration.ofSeconds(30)).until(() -> lookup.passthroughModels().stream()
                    .anyMatch(p -> namespace.equals(p.getMetadata().getNamespace())));
            var before = counter.byVerbAndResource();

            for (int review = 0; review < 20; review++) {
                assertThat(lookup.namespaceLabels(namespace)).isPresent();
                assertThat(lookup.passthroughModels()).isNotEmpty();
            }

            var after = counter.byVerbAndResource();
            assertThat(after.getOrDefault("GET namespaces", 0L)).as("namespace reads").isEqualTo(before.getOrDefault("GET namespaces", 0L));
            assertThat(after.getOrDefault("LIST passthroughmodels", 0L)).as("provider lists")
                    .isEqualTo(before.getOrDefault("LIST passthroughmodels", 0L));
        }
    }
}
