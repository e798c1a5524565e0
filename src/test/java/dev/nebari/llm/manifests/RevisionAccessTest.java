package dev.nebari.llm.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.GenericResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keys of revisions of one id: the gateway serves whichever revision's route it prefers for the shared id, so each
 * revision's external policy must accept the keys minted for any of them, and a model alone accepts only its own.
 */
class RevisionAccessTest {

    static final AccessInputs.OidcProvider OIDC = new AccessInputs.OidcProvider("https://id.example.com", "https://id.example.com/jwks");

    final DesiredState desired = new DesiredState(ModelFixtures.settings(), new DesiredState.ObservedInputs() {
        @Override
        public AccessInputs accessFor(LLMModel model) {
            return switch (model.getMetadata().getName()) {
                case "blue" -> new AccessInputs(List.of("keys.team-a.blue.0"), List.of("k-blue"), OIDC);
                case "green" -> new AccessInputs(List.of("keys.team-a.green.0"), List.of("k-green"), OIDC);
                default -> new AccessInputs(List.of("keys.team-a.other.0"), List.of("k-other"), OIDC);
            };
        }

        @Override
        public AccessInputs accessFor(dev.nebari.llm.model.PassthroughModel provider) {
            throw new UnsupportedOperationException("no external providers here");
        }
    });

    static LLMModel revision(String name, int weight) {
        return ModelFixtures.model("team-a", name, "Qwen/Qwen3-0.6B", "access: {groups: [data-science]}\ntraffic: {weight: " + weight + "}");
    }

    @Test
    void eachRevisionsExternalPolicyAcceptsTheKeysOfEveryRevision() {
        var blue = revision("blue", 80);
        var green = revision("green", 20);

        for (var model : List.of(blue, green)) {
            var policy = externalPolicy(desired.of(model, List.of(blue, green)));
            assertThat(json(policy)).contains("keys.team-a.blue.0", "keys.team-a.green.0", "k-blue", "k-green")
                    .doesNotContain("k-other");
        }
    }

    @Test
    void aRevisionWithoutPeersAcceptsOnlyItsOwnKeys() {
        var blue = revision("blue", 80);

        assertThat(json(externalPolicy(desired.of(blue, List.of(blue))))).contains("k-blue").doesNotContain("k-green");
    }

    @Test
    void withoutWorkloadAndPickerLeavesOnlyThoseOutAloneAndAmongRevisions() {
        var blue = revision("blue", 80);
        var green = revision("green", 20);

        for (var revisions : List.of(List.of(blue), List.of(blue, green))) {
            var full = desired.of(blue, revisions);
            var rest = desired.withoutWorkloadAndPicker(blue, revisions);

            assertThat(full.workload()).isNotEmpty();
            assertThat(full.picker()).isNotEmpty();
            assertThat(rest.workload()).isEmpty();
            assertThat(rest.picker()).isEmpty();
            assertThat(json(rest.all())).isEqualTo(json(full.all().stream()
                    .filter(object -> full.workload().stream().noneMatch(m -> m.object() == object)
                            && full.picker().stream().noneMatch(m -> m.object() == object))
                    .toList()));
            assertThat(rest.withheld()).isEqualTo(full.withheld());
        }
    }

    private static String json(List<?> objects) {
        return ModelFixtures.SERIALIZATION.asJson(objects);
    }

    private static GenericKubernetesResource externalPolicy(ModelManifests manifests) {
        return manifests.policies().stream().map(m -> (GenericKubernetesResource) m.object())
                .filter(p -> p.getMetadata().getName().endsWith("-external")).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static String json(GenericKubernetesResource policy) {
        return ModelFixtures.SERIALIZATION.asJson((Map<String, Object>) GenericResources.spec(policy));
    }
}
