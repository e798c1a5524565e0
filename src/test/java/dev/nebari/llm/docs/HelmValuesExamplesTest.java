package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.chart.ChartRenderer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Helm values files under examples/. Ours must render with the chart; for third-party charts we cannot render, the
 * keys that docs/installation.md relies on must be present with the documented values.
 */
class HelmValuesExamplesTest {

    @Test
    void productionValuesRenderWithTheChart() {
        var values = RepoFiles.yamlMap("examples/values-production.yaml");

        var chart = ChartRenderer.bare().withAll(leaves("", values)).rendered();

        assertThat(chart.all(Deployment.class)).hasSize(2);
        assertThat(chart.applicationConfig("platform.baseDomain")).contains("nebari.example.com");
        assertThat(chart.applicationConfig("auth.oidc.issuerURL")).contains(RepoFiles.at(values, "auth.oidc.issuerURL"));
        assertThat(RepoFiles.at(values, "image.tag")).as("a pinned image tag").isNotNull().asString().isNotBlank();
    }

    @Test
    void envoyGatewayValuesEnableWhatTheAiGatewayNeeds() {
        var eg = RepoFiles.at(RepoFiles.yamlMap("examples/envoy-gateway-values.yaml"), "config.envoyGateway");
        @SuppressWarnings("unchecked")
        var config = (Map<String, Object>) eg;

        assertThat(RepoFiles.at(config, "extensionApis.enableBackend")).isEqualTo(true);
        assertThat(RepoFiles.at(config, "extensionManager.service.fqdn.hostname"))
                .isEqualTo("ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local");
        assertThat(RepoFiles.at(config, "extensionManager.service.fqdn.port")).isEqualTo(1063);
        for (var hook : List.of("listener", "route", "cluster", "secret")) {
            assertThat(RepoFiles.at(config, "extensionManager.hooks.xdsTranslator.translation." + hook + ".includeAll"))
                    .as("translation hook %s", hook).isEqualTo(true);
        }
        assertThat(RepoFiles.at(config, "extensionManager.hooks.xdsTranslator.post"))
                .asList().containsExactlyInAnyOrder("Translation", "Cluster", "Route");
        assertThat(RepoFiles.at(config, "extensionManager.backendResources")).asList()
                .contains(Map.of("group", "inference.networking.k8s.io", "kind", "InferencePool", "version", "v1"));
        assertThat(RepoFiles.at(config, "rateLimit.backend.type")).isEqualTo("Redis");
        assertThat(RepoFiles.at(config, "rateLimit.backend.redis.url")).asString().endsWith(":6379");
    }

    @Test
    void gpuOperatorValuesAdvertiseGpusAndExportMetrics() {
        var values = RepoFiles.yamlMap("examples/nvidia-gpu-operator-values.yaml");

        assertThat(RepoFiles.at(values, "devicePlugin.enabled")).isEqualTo(true);
        assertThat(RepoFiles.at(values, "toolkit.enabled")).isEqualTo(true);
        assertThat(RepoFiles.at(values, "dcgmExporter.enabled")).isEqualTo(true);
        assertThat(RepoFiles.at(values, "mig.strategy")).isEqualTo("single");
        assertThat(RepoFiles.at(values, "daemonsets.tolerations")).asList()
                .contains(Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule"));
    }

    /** Flattens a values tree to dotted leaves (lists stay whole), the form ChartRenderer takes. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> leaves(String prefix, Map<String, Object> tree) {
        var out = new LinkedHashMap<String, Object>();
        tree.forEach((key, value) -> {
            var path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> map && !map.isEmpty()) {
                out.putAll(leaves(path, (Map<String, Object>) map));
            } else {
                out.put(path, value);
            }
        });
        return out;
    }
}
