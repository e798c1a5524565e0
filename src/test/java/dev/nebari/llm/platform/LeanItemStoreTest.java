package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lean informer cache keeps objects by namespace/name without their managed fields. */
class LeanItemStoreTest {

    private static ConfigMap configMap() {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("m-config")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("nebari-llm-serving").withOperation("Apply").build())
                .endMetadata().withData(Map.of("config.yaml", "x: 1")).build();
    }

    @Test
    void keepsObjectsWithoutTheirManagedFields() {
        var store = LeanItemStore.<ConfigMap>withoutManagedFields();
        var object = configMap();

        store.put(store.getKey(object), object);

        var stored = store.get("ns/m-config");
        assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(stored.getData()).containsEntry("config.yaml", "x: 1");
    }

    @Test
    void dropsWhatTheSlimmingRemoves() {
        var store = LeanItemStore.<ConfigMap>withoutManagedFieldsAnd(c -> c.setData(null));
        var object = configMap();

        store.put(store.getKey(object), object);

        assertThat(store.get("ns/m-config").getData()).isNull();
    }
}
