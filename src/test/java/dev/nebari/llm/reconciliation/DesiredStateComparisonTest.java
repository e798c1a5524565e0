package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.reconciliation.DesiredStateComparison.isSatisfiedBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What counts as "already applied": the desired object is contained in the observed one. */
class DesiredStateComparisonTest {

    @Test
    void fieldsAddedByTheServerOrOtherManagersDoNotCount() {
        var desired = Map.of("spec", Map.of("replicas", 1));
        var observed = Map.of("spec", Map.of("replicas", 1, "revisionHistoryLimit", 10),
                "metadata", Map.of("annotations", Map.of("other-tool", "x")));

        assertThat(isSatisfiedBy(desired, observed)).isTrue();
    }

    @Test
    void aChangedValueCounts() {
        assertThat(isSatisfiedBy(Map.of("spec", Map.of("replicas", 2)), Map.of("spec", Map.of("replicas", 1)))).isFalse();
    }

    @Test
    void listsCompareElementByElementAndByLength() {
        var desired = Map.of("args", List.of("--a", "--b"));

        assertThat(isSatisfiedBy(desired, Map.of("args", List.of("--a", "--b")))).isTrue();
        assertThat(isSatisfiedBy(desired, Map.of("args", List.of("--a")))).isFalse();
        assertThat(isSatisfiedBy(desired, Map.of("args", List.of("--b", "--a")))).isFalse();
    }

    @Test
    void quantitiesCompareByValueBecauseTheServerCanonicalisesThem() {
        assertThat(isSatisfiedBy(Map.of("cpu", "0.5"), Map.of("cpu", "500m"))).isTrue();
        assertThat(isSatisfiedBy(Map.of("memory", "1024Mi"), Map.of("memory", "1Gi"))).isTrue();
        assertThat(isSatisfiedBy(Map.of("memory", "1Gi"), Map.of("memory", "2Gi"))).isFalse();
    }

    @Test
    void numbersCompareByValue() {
        assertThat(isSatisfiedBy(Map.of("port", 8000), Map.of("port", 8000L))).isTrue();
    }

    @Test
    void emptyDesiredCollectionsMatchAbsentOnes() {
        assertThat(isSatisfiedBy(Map.of("emptyDir", Map.of(), "tolerations", List.of()), Map.of())).isTrue();
        assertThat(isSatisfiedBy(Map.of("emptyDir", Map.of("medium", "Memory")), Map.of())).isFalse();
    }

    @Test
    void plainStringsAreNotMistakenForQuantities() {
        assertThat(isSatisfiedBy(Map.of("image", "vllm:1"), Map.of("image", "vllm:2"))).isFalse();

    }
}
