package dev.nebari.llm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.nebari.llm.model.ModelObjects.Component;
import org.junit.jupiter.api.Test;

class ModelObjectsTest {

    final ModelObjects names = new ModelObjects("qwen3", "team-a");

    @Test
    void derivesEveryObjectNameFromTheModelName() {
        assertThat(names.workload()).isEqualTo("qwen3");
        assertThat(names.modelStorage()).isEqualTo("qwen3-model-storage");
        assertThat(names.endpointPicker()).isEqualTo("qwen3-epp");
        assertThat(names.endpointPickerConfig()).isEqualTo("qwen3-epp-config");
        assertThat(names.externalRoute()).isEqualTo("qwen3-external");
        assertThat(names.internalRoute()).isEqualTo("qwen3-internal");
        assertThat(names.keysReferenceGrant()).isEqualTo("team-a.qwen3");
    }

    @Test
    void labelsEveryObjectWithPackModelAndComponent() {
        assertThat(names.labels(Component.MODEL_SERVER)).containsExactly(
                entry("app.kubernetes.io/managed-by", "nebari-llm-serving"),
                entry("app.kubernetes.io/part-of", "nebari-llm-serving"),
                entry("llm.nebari.dev/model", "qwen3"),
                entry("app.kubernetes.io/component", "model-server"));
    }

    @Test
    void modelServerAndPickerSelectorsNeverMatchTheSamePod() {
        var modelPod = names.labels(Component.MODEL_SERVER);
        var pickerPod = names.labels(Component.ENDPOINT_PICKER);
        assertThat(ObjectTree.selects(names.modelServerPods(), modelPod)).isTrue();
        assertThat(ObjectTree.selects(names.modelServerPods(), pickerPod)).isFalse();
        assertThat(ObjectTree.selects(names.endpointPickerPods(), pickerPod)).isTrue();
        assertThat(ObjectTree.selects(names.endpointPickerPods(), modelPod)).isFalse();
    }

    @Test
    void namesTheModelNamespaceOnObjectsElsewhere() {
        assertThat(names.labelsElsewhere(Component.GATEWAY)).containsEntry("llm.nebari.dev/model-namespace", "team-a");
    }

    @Test
    void rejectsModelNamesTooLongForTheDerivedServiceName() {
        assertThat(new ModelObjects("a".repeat(59), "ns").endpointPicker()).hasSize(63);
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelObjects("a".repeat(60), "ns")).withMessageContaining("59");
    }

    @Test
    void slugsModelIdsIntoDnsLabels() {
        assertThat(ModelObjects.slug("Qwen/Qwen3.5-35B-A3B-GPTQ-Int4")).isEqualTo("qwen-qwen3-5-35b-a3b-gptq-int4");
        assertThat(ModelObjects.slug("_x__y_")).isEqualTo("x-y");
        assertThat(ModelObjects.slug("a".repeat(62) + "-b")).isEqualTo("a".repeat(62));
        assertThat(ModelObjects.slug("___")).isEqualTo("model");
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }
}
