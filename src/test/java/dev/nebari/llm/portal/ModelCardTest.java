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
    void aliasesAndARevisionsShareAreShown() {
        var model = ModelFixtures.model("team-a", "blue", "org/llama-7b", List.of("storage: {size: 1Gi}", "aliases: [chat, chat-large]"),
                "access: {public: true}\ntraffic: {weight: 3}");

        var card = ModelCard.of(model, java.util.Optional.of(new dev.nebari.llm.catalog.TrafficShare(3, 4, List.of("green"))));
        var alone = ModelCard.of(model, java.util.Optional.of(new dev.nebari.llm.catalog.TrafficShare(3, 3, List.of())));

        assertThat(card.aliases()).containsExactly("chat", "chat-large");
        assertThat(card.trafficText()).isEqualTo("75 % (weight 3 of 4), shared with green");
        assertThat(alone.trafficText()).isEqualTo("100 % (weight 3 of 3), no other revision yet");
        assertThat(ModelCard.of(model).trafficText()).isNull();
    }

    @Test
    void aModelsLoraAdaptersAreListedWithSnippetsThatSendTheAdaptersId() {
        var model = ModelFixtures.model("team-a", "qwen", "Qwen/Qwen3-0.6B",
                "access: {public: true}\nadapters: [{name: team-a/sql-lora, repo: acme/sql-lora}, {name: team-a/legal-lora}]");
        model.setStatus(new LLMModelStatus(Phase.Ready, List.of(), 1L, null,
                new dev.nebari.llm.model.EndpointsStatus("https://llm.example.com/v1", "", "Qwen/Qwen3-0.6B"), null, null));

        var card = ModelCard.of(model);

        assertThat(card.adapters()).containsExactly("team-a/sql-lora", "team-a/legal-lora");
        assertThat(card.curlSnippet("team-a/sql-lora")).contains("https://llm.example.com/v1/chat/completions")
                .contains("{\"model\": \"team-a/sql-lora\"");
        assertThat(card.pythonSnippet("team-a/legal-lora")).contains("model=\"team-a/legal-lora\"");
        assertThat(card.curlSnippet()).as("the model's own snippet").contains("{\"model\": \"Qwen/Qwen3-0.6B\"");
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
