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
}
