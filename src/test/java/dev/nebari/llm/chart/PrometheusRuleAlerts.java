package dev.nebari.llm.chart;

import java.util.List;
import java.util.Map;

/** The alerting rules of the release's PrometheusRule, as the chart rendered them. */
final class PrometheusRuleAlerts {

    /** One alerting rule: its name, PromQL expression, {@code for} duration and labels. */
    record Alert(String name, String expr, String forDuration, Map<String, String> labels) {
    }

    private PrometheusRuleAlerts() {
    }

    @SuppressWarnings("unchecked")
    static List<Alert> of(RenderedChart chart) {
        var groups = chart.generic("PrometheusRule", RenderedChart.FULLNAME).<List<Map<String, Object>>>get("spec", "groups");
        return groups.stream()
                .flatMap(group -> ((List<Map<String, Object>>) group.get("rules")).stream())
                .map(rule -> new Alert((String) rule.get("alert"), String.valueOf(rule.get("expr")),
                        (String) rule.get("for"), (Map<String, String>) rule.getOrDefault("labels", Map.of())))
                .toList();
    }
}
