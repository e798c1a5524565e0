package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;

/** The pack's kinds decode straight into their classes, as a watch event's object (KubernetesClientConfiguration). */
class OwnKindsTest {

    private static final String EVENT = """
            {"type": "MODIFIED", "object": {"apiVersion": "llm.nebari.dev/v1alpha1", "kind": "%s",
             "metadata": {"name": "llama", "namespace": "team-a", "resourceVersion": "7"}, "spec": {}}}
            """;

    @Test
    void aWatchEventOfAModelOrAProviderDecodesIntoItsClass() {
        var config = new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build();
        try (var plain = new KubernetesClientBuilder().withConfig(config).build();
                var configured = KubernetesClientConfiguration.withOwnKinds(new KubernetesClientBuilder().withConfig(config).build())) {
            // what fabric8 does by itself: the generic form, converted afterwards by the watch
            assertThat(plain.getKubernetesSerialization().unmarshal(EVENT.formatted("LLMModel"), WatchEvent.class).getObject())
                    .isInstanceOf(GenericKubernetesResource.class);

            var model = configured.getKubernetesSerialization().unmarshal(EVENT.formatted("LLMModel"), WatchEvent.class).getObject();
            var provider = configured.getKubernetesSerialization().unmarshal(EVENT.formatted("PassthroughModel"), WatchEvent.class).getObject();

            assertThat(model).isInstanceOfSatisfying(LLMModel.class,
                    m -> assertThat(m.getMetadata().getResourceVersion()).isEqualTo("7"));
            assertThat(provider).isInstanceOf(PassthroughModel.class);
        }
    }
}
