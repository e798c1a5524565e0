package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubernetesRequestCounterTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/apis/coordination.k8s.io/v1/namespaces/ns/leases/operator, leases",
            "/apis/coordination.k8s.io/v1/namespaces/ns/leases, leases",
            "/api/v1/namespaces/ns/events, events",
            "/api/v1/namespaces/ns, namespaces",
            "/api/v1/namespaces, namespaces",
            "/apis/llm.nebari.dev/v1alpha1/namespaces/ns/llmmodels/m/status, llmmodels",
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x, customresourcedefinitions",
            "/version, ''"})
    void namesTheResourceOfAnApiPath(String path, String resource) {
        assertThat(KubernetesRequestCounter.resourceOf(path)).isEqualTo(resource);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/api/v1/namespaces/ns/configmaps/x, true",
            "/api/v1/namespaces/ns/configmaps, false",
            "/apis/llm.nebari.dev/v1alpha1/namespaces/ns/llmmodels/m/status, true",
            "/apis/llm.nebari.dev/v1alpha1/llmmodels, false",
            "/api/v1/namespaces/ns, true",
            "/api/v1/namespaces, false",
            "/version, false"})
    void tellsAnObjectFromACollection(String path, boolean oneObject) {
        assertThat(KubernetesRequestCounter.namesOneObject(path)).isEqualTo(oneObject);
    }
}
