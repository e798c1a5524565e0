package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/nebari-llm-serving.json parses, and every query in it names only metrics the code exports. The
 * exported names are derived from the meters registered in src/main/java, with Micrometer's Prometheus naming
 * (dots to underscores; timers add _seconds_count/_sum/_max, counters _total), so renaming a meter breaks this test
 * instead of silently emptying a panel.
 */
class GrafanaDashboardTest {

    static final String DASHBOARD = "docs/grafana/nebari-llm-serving.json";
    private static final Pattern METER = Pattern.compile(
            "(Timer|Gauge|Counter|FunctionCounter|DistributionSummary)\\.builder\\(\"(nebari\\.[a-z.]+)\"");
    private static final Pattern METRIC_IN_QUERY = Pattern.compile("\\bnebari_[a-z_]+\\b");

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
    void coversReconcilesQueueModelsAndApiRequests() throws IOException {
        var used = new TreeSet<String>();
        queries().forEach(q -> used.addAll(metricsIn(q)));

        assertThat(used).contains("nebari_reconcile_seconds_count", "nebari_reconcile_queue_depth", "nebari_models",
                "nebari_kubernetes_requests_total");
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
        var found = new TreeSet<String>();
        var matcher = METRIC_IN_QUERY.matcher(query);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    record Meter(String type, String name) {
        String prometheusBase() {
            var base = name.replace('.', '_');
            return type.equals("Timer") ? base + "_seconds" : base;
        }

        List<String> series() {
            var base = prometheusBase();
            return switch (type) {
                case "Timer", "DistributionSummary" -> List.of(base + "_count", base + "_sum", base + "_max");
                case "Counter", "FunctionCounter" -> List.of(base + "_total");
                default -> List.of(base);
            };
        }
    }

    static List<Meter> meters() {
        var meters = new ArrayList<Meter>();
        try (Stream<Path> files = Files.walk(RepoFiles.path("src/main/java"))) {
            for (var file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                var matcher = METER.matcher(Files.readString(file));
                while (matcher.find()) {
                    meters.add(new Meter(matcher.group(1), matcher.group(2)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(meters).as("meters registered in src/main/java").isNotEmpty();
        return meters;
    }

    static Set<String> exportedMetrics() {
        var names = new TreeSet<String>();
        meters().forEach(m -> names.addAll(m.series()));
        return names;
    }
}
