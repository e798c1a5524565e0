package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.testing.ExportedMetrics;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard (charts/nebari-llm-serving/dashboards/nebari-llm-serving.json: the chart ships it as a
 * ConfigMap, docs/operations.md links to it) parses, and every query in it names only metrics the code exports
 * ({@link ExportedMetrics}), so renaming a meter breaks this test instead of silently emptying a panel.
 */
class GrafanaDashboardTest {

    static final String DASHBOARD = "charts/nebari-llm-serving/dashboards/nebari-llm-serving.json";

    @Test
    void everyQueryReferencesAnExportedMetric() throws IOException {
        var exported = exportedMetrics();
        var queries = queries();

        assertThat(queries).isNotEmpty();
        for (var query : queries) {
            var used = metricsIn(query);
            assertThat(used).as("metrics in %s", query).isNotEmpty();
            assertThat(exported).as("exported metrics (query: %s)", query).containsAll(used);
        }
    }

    @Test
    void coversReconcilesQueueModelsApiRequestsKeysWebhookCertificatesAndLeadership() throws IOException {
        var used = new TreeSet<String>();
        queries().forEach(q -> used.addAll(metricsIn(q)));

        assertThat(used).contains("nebari_reconcile_seconds_count", "nebari_reconcile_queue_depth", "nebari_models",
                "nebari_kubernetes_requests_total", "nebari_keys_operations_total", "nebari_keys_unreadable",
                "nebari_webhook_reviews_seconds_count", "nebari_webhook_certificate_expiry_timestamp_seconds",
                "nebari_leader");
    }

    @Test
    void operationsGuideListsEveryExportedMetric() {
        var guide = RepoFiles.read("docs/operations.md");
        for (var meter : meters()) {
            assertThat(guide).as("docs/operations.md mentions %s", meter.prometheusBase()).contains(meter.prometheusBase());
        }
    }

    static List<String> queries() {
        var root = Serialization.unmarshal(RepoFiles.read(DASHBOARD), Map.class);
        var queries = new ArrayList<String>();
        collectExpressions(root, queries);
        // The namespace variable's query counts too: it must name a real metric.
        return queries;
    }

    private static void collectExpressions(Object node, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (value instanceof String text && (key.equals("expr") || (key.equals("query") && text.contains("nebari_")))) {
                    out.add(text);
                } else {
                    collectExpressions(value, out);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(child -> collectExpressions(child, out));
        }
    }

    static Set<String> metricsIn(String query) {
        return ExportedMetrics.usedBy(query);
    }

    static List<ExportedMetrics.Meter> meters() {
        return ExportedMetrics.meters(RepoFiles.path("src/main/java"));
    }

    static Set<String> exportedMetrics() {
        return ExportedMetrics.series(RepoFiles.path("src/main/java"));
    }
}
