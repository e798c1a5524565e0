package dev.nebari.llm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgoCdExampleTest {

    private final GenericKubernetesResource application =
            Serialization.unmarshal(ChartFiles.read(ChartFiles.ARGOCD_EXAMPLE), GenericKubernetesResource.class);

    @Test
    void isAnApplicationSyncedWithServerSideApply() {
        assertThat(application.getApiVersion()).isEqualTo("argoproj.io/v1alpha1");
        assertThat(application.getKind()).isEqualTo("Application");
        assertThat(application.<List<String>>get("spec", "syncPolicy", "syncOptions")).contains("ServerSideApply=true");
    }

    @Test
    void hasTheChartAndAModelsRepositoryAsSources() {
        var sources = sources();
        assertThat(sources).hasSize(2);
        assertThat(sources).filteredOn(s -> "charts/nebari-llm-serving".equals(s.get("path"))).hasSize(1);
        assertThat(sources).filteredOn(s -> !s.containsKey("helm")).singleElement()
                .satisfies(models -> assertThat(models).containsKeys("repoURL", "path"));
    }

    @Test
    void itsValuesRenderWithTheChart() {
        @SuppressWarnings("unchecked")
        var values = (Map<String, Object>) ((Map<String, Object>) chartSource().get("helm")).get("valuesObject");

        var chart = ChartRenderer.bare().withAll(ValuePaths.leaves(values)).rendered();

        assertThat(chart.all(Deployment.class)).hasSize(2);
        assertThat(chart.applicationConfig("platform.baseDomain")).isEqualTo(ValuePaths.at(values, "platform.baseDomain"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> sources() {
        return (List<Map<String, Object>>) application.<List<?>>get("spec", "sources");
    }

    private Map<String, Object> chartSource() {
        return sources().stream().filter(s -> "charts/nebari-llm-serving".equals(s.get("path"))).findFirst().orElseThrow();
    }
}
