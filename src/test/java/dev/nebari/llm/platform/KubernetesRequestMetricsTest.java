package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code nebari_kubernetes_requests_total} names each request as the API server does (its {@code verb} and
 * {@code resource}, as in {@code apiserver_request_total}), so the benchmarks and a dashboard can tell a server-side
 * apply from a merge patch and a list from a get.
 */
@WithKubernetes(upstreamCrds = false)
class KubernetesRequestMetricsTest {

    @Test
    void requestsAreCountedByTheApiServersVerbAndResource(TestCluster cluster) {
        var namespace = cluster.newNamespace("request-metrics");
        var counter = new KubernetesRequestCounter();
        var meters = new SimpleMeterRegistry();
        try (var client = counter.countedClient(cluster.controlPlane().clientConfig())) {
            var map = new ConfigMapBuilder().withNewMetadata().withName("counted").withNamespace(namespace).endMetadata()
                    .withData(Map.of("a", "1")).build();
            // one request before the registry is bound, the rest after: both are exported
            client.resource(map).fieldManager("test").serverSideApply();
            counter.bindTo(meters);
            client.configMaps().inNamespace(namespace).withName("counted").get();
            client.configMaps().inNamespace(namespace).list();
            client.configMaps().inNamespace(namespace).withName("counted").edit(c -> new ConfigMapBuilder(c).addToData("b", "2").build());
            client.configMaps().inNamespace(namespace).withName("counted").delete();
        }

        assertThat(count(meters, "APPLY", "configmaps")).isEqualTo(1);
        assertThat(count(meters, "GET", "configmaps")).isGreaterThanOrEqualTo(1);
        assertThat(count(meters, "LIST", "configmaps")).isEqualTo(1);
        assertThat(count(meters, "PATCH", "configmaps")).isEqualTo(1);
        assertThat(count(meters, "DELETE", "configmaps")).isEqualTo(1);
        assertThat(meters.find("nebari.kubernetes.requests").tag("verb", "APPLY").functionCounter().getId().getTag("method"))
                .isEqualTo("PATCH");
        assertThat(counter.byVerbAndResource()).containsEntry("APPLY configmaps", 1L).containsEntry("LIST configmaps", 1L);
    }

    private static double count(SimpleMeterRegistry meters, String verb, String resource) {
        var meter = meters.find("nebari.kubernetes.requests").tag("verb", verb).tag("resource", resource).functionCounter();
        return meter == null ? 0 : meter.count();
    }
}
