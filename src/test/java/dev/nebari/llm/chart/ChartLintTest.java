package dev.nebari.llm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

class ChartLintTest {

    @Test
    void strictLintReportsNoWarningOrError() {
        // helm lint renders with values.yaml alone; in lint mode `required` only logs, so the empty baseDomain passes.
        var result = new Helm(ChartRenderer.CHART_DIR).lint().strict().call();

        assertThat(result.getMessages()).noneMatch(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]"));
        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    }
}
