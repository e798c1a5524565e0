package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reconciler's side of id uniqueness where aliases and LoRA adapters meet (the webhook's is AdmissionRulesTest). */
class ModelIdClaimsTest {

    private final ModelIdClaims claims = new ModelIdClaims(false, namespace -> true);

    private static LLMModel created(LLMModel model, String timestamp) {
        model.getMetadata().setCreationTimestamp(timestamp);
        return model;
    }

    @Test
    void aYoungerModelWhoseAdapterIsAnOlderModelsAliasLosesItsRoutesAndIsToldWhichField() {
        var elder = created(ModelFixtures.model("team-b", "llama", "meta-llama/Llama-3.2-1B",
                List.of("storage: {size: 1Gi}", "aliases: [chat-default]"), "access: {public: true}"), "2026-01-01T00:00:00Z");
        var younger = created(ModelFixtures.model("team-a", "qwen", "Qwen/Qwen3-0.6B", List.of("storage: {size: 1Gi}"),
                "access: {public: true}\nadapters: [{name: chat-default}]"), "2026-01-02T00:00:00Z");

        var taken = claims.takenFrom(younger, List.of(elder, younger));

        assertThat(taken).isPresent();
        assertThat(taken.get().holder()).isSameAs(elder);
        assertThat(taken.get().message()).startsWith("spec.adapters[0].name \"chat-default\" of LLMModel team-a/qwen is already "
                + "served by LLMModel team-b/llama (as an alias);");
        assertThat(claims.takenFrom(elder, List.of(elder, younger))).as("the elder keeps its routes").isEmpty();
    }
}
