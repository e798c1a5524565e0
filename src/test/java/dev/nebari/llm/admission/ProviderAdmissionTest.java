package dev.nebari.llm.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.admission.ClusterLookup.SecretPresence;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.PassthroughFixtures;
import dev.nebari.llm.model.PassthroughModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Admission of external providers (PassthroughModel) and what it means for LLMModels: one name per namespace across
 * both kinds, one owner per model id (an LLMModel's id is never listed by a provider), one catch-all.
 */
class ProviderAdmissionTest {

    static final class ClusterWithProviders extends AdmissionRulesTest.FakeCluster {
        final List<PassthroughModel> providers = new ArrayList<>();

        @Override
        public List<PassthroughModel> passthroughModels() {
            return providers;
        }
    }

    final ClusterWithProviders cluster = new ClusterWithProviders();
    final AdmissionRules rules = new AdmissionRules(ModelFixtures.settings());

    ProviderAdmissionTest() {
        cluster.secrets.put("team-a/openrouter-credential", SecretPresence.PRESENT);
    }

    static PassthroughModel provider(String namespace, String name, String models) {
        var provider = PassthroughFixtures.withModels(models);
        provider.getMetadata().setNamespace(namespace);
        provider.getMetadata().setName(name);
        return provider;
    }

    AdmissionDecision create(PassthroughModel provider) {
        return rules.decide(new ProviderChange(provider, null), cluster);
    }

    @Test
    void aProviderWithFreshIdsInAManagedNamespaceIsAllowedWithoutWarnings() {
        var decision = create(provider("team-a", "router", "{ids: [vendor/a, vendor/b]}"));

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.warnings()).isEmpty();
    }

    @Test
    void aProviderInANamespaceThePackDoesNotManageIsRejected() {
        var decision = create(provider("sandbox", "router", "{ids: [vendor/a]}"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).contains("namespace sandbox is not managed");
    }

    @Test
    void anIdAnLlmModelServesCannotBeListedByAProvider() {
        cluster.models.add(AdmissionRulesTest.model("team-b", "qwen", "Qwen/Qwen3-0.6B"));

        var decision = create(provider("team-a", "router", "{ids: [Qwen/Qwen3-0.6B, vendor/b]}"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).contains("spec.models.ids: \"Qwen/Qwen3-0.6B\" is already served by LLMModel team-b/qwen");
    }

    @Test
    void anLlmModelCannotTakeAnIdAProviderLists() {
        cluster.providers.add(provider("team-b", "router", "{ids: [Qwen/Qwen3-0.6B]}"));

        var decision = rules.decide(new ModelChange(AdmissionRulesTest.model("team-a", "qwen", "Qwen/Qwen3-0.6B"), null), cluster);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).contains("spec.model.name \"Qwen/Qwen3-0.6B\" is listed by PassthroughModel team-b/router");
    }

    @Test
    void twoProvidersCannotListTheSameId() {
        cluster.providers.add(provider("team-b", "first", "{ids: [vendor/a]}"));

        var decision = create(provider("team-a", "second", "{ids: [vendor/a]}"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).contains("\"vendor/a\" is already listed by PassthroughModel team-b/first");
    }

    @Test
    void aProviderAndAnLlmModelOfOneNamespaceCannotShareAName() {
        cluster.models.add(AdmissionRulesTest.model("team-a", "router", "org/something"));

        var providerFirst = create(provider("team-a", "router", "{ids: [vendor/a]}"));
        cluster.models.clear();
        cluster.providers.add(provider("team-a", "qwen", "{ids: [vendor/a]}"));
        var modelSecond = rules.decide(new ModelChange(AdmissionRulesTest.model("team-a", "qwen", "org/other"), null), cluster);

        assertThat(providerFirst.message()).contains("metadata.name: LLMModel team-a/router has the same name");
        assertThat(modelSecond.message()).contains("metadata.name: PassthroughModel team-a/qwen has the same name");
    }

    @Test
    void onlyOneProviderMayCatchAll() {
        cluster.providers.add(provider("team-b", "catcher", "{catchAll: true}"));

        var decision = create(provider("team-a", "another", "{catchAll: true}"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).contains("spec.models.catchAll: PassthroughModel team-b/catcher already takes every unclaimed model id");
    }

    @Test
    void aMissingCredentialSecretIsAWarningNotARejection() {
        cluster.secrets.clear();

        var decision = create(provider("team-a", "router", "{ids: [vendor/a]}"));

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.warnings()).singleElement().asString()
                .contains("spec.provider.credential.secretName: Secret team-a/openrouter-credential does not exist");
    }

    @Test
    void anUpdateIsCheckedOnlyForWhatItChanges() {
        var stored = provider("team-a", "router", "{ids: [Qwen/Qwen3-0.6B]}");
        cluster.models.add(AdmissionRulesTest.model("team-b", "qwen", "Qwen/Qwen3-0.6B")); // came later, webhook down
        var relabelled = provider("team-a", "router", "{ids: [Qwen/Qwen3-0.6B]}");
        relabelled.getMetadata().setLabels(java.util.Map.of("team", "a"));

        var decision = rules.decide(new ProviderChange(relabelled, stored), cluster);

        assertThat(decision.allowed()).isTrue();
    }
}
