package dev.nebari.llm.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.LLMModelStatus;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.Phase;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a model's card says while it is not ready. */
class ModelCardTest {

    @Test
    void theOperatorsConditionMessageIsShownAsASentence() {
        var model = ModelFixtures.model("team-a", "llama", "org/llama-7b", "access: {public: true}");
        model.setStatus(new LLMModelStatus(Phase.Pending, List.of(new ConditionBuilder().withType("Ready").withStatus("False")
                .withReason("NamespaceNotManaged")
                .withMessage("namespace team-a is not managed: label it nebari.dev/managed=true or add it to watchNamespaces")
                .build()), 1L, null, null, null, null));

        assertThat(ModelCard.of(model).statusText())
                .isEqualTo("Namespace team-a is not managed: label it nebari.dev/managed=true or add it to watchNamespaces.");
    }

    @Test
    void replicasAndAnAutoscalersRangeAndAVolumeWarningAreShown() {
        var model = ModelFixtures.model("team-a", "llama", "org/llama-7b",
                "access: {public: true}\nserving: {autoscaling: {minReplicas: 1, maxReplicas: 4}}");
        model.setStatus(new LLMModelStatus(Phase.Pending, List.of(), 1L,
                dev.nebari.llm.model.ReplicasStatus.of(1, 2, 2, "app=llama",
                        "replicas on other nodes stay Starting: the volume is ReadWriteOnce"), null, null, null));

        var card = ModelCard.of(model);
        assertThat(card.replicasText()).isEqualTo("1 of 2 ready; scales between 1 and 4 on vllm:num_requests_waiting");
        assertThat(card.replicasWarning()).isEqualTo("Replicas on other nodes stay Starting: the volume is ReadWriteOnce.");
    }

    @Test
    void anExternalProviderIsMarkedWithItsHostItsOtherIdsAndTheCatchAllButNeverItsCredential() {
        var provider = dev.nebari.llm.model.PassthroughFixtures.withModels("{ids: [vendor/first, vendor/second], catchAll: true}");
        provider.setStatus(new dev.nebari.llm.model.PassthroughModelStatus(Phase.Ready, List.of(), 1L,
                new dev.nebari.llm.model.EndpointsStatus("https://llm.example.com/v1", "", "vendor/first"), "vendor/first,vendor/second,*"));

        var card = ModelCard.of(provider);

        assertThat(card.provider()).isEqualTo("openrouter.ai");
        assertThat(card.modelId()).isEqualTo("vendor/first");
        assertThat(card.alsoServes()).containsExactly("vendor/second", "any other model id that no other model here serves");
        assertThat(card.curlSnippet()).contains("https://llm.example.com/v1/chat/completions", "\"model\": \"vendor/first\"");
        assertThat(card.toString() + card.curlSnippet() + card.pythonSnippet()).doesNotContain("openrouter-credential");
    }
}
