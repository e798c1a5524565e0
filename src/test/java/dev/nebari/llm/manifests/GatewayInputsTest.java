package dev.nebari.llm.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.PassthroughModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The operator skips stamping and comparing a model's gateway objects other than the keyed one while the model and
 * its {@link GatewayInputs} are unchanged. That is sound only if those inputs are everything such an object is rendered
 * from: here every combination of keys, OIDC provider and traffic split is rendered, and any two with equal inputs
 * render those objects byte for byte alike.
 */
class GatewayInputsTest {

    static final AccessInputs.OidcProvider OIDC = new AccessInputs.OidcProvider("https://id.example.com", "https://id.example.com/jwks");
    static final AccessInputs.OidcProvider MOVED = new AccessInputs.OidcProvider("https://id.example.com", "https://id.example.com/keys");

    static final String SPEC = "access: {groups: [data-science]}\nlimits: {requestsPerMinute: 5}\n";

    @Test
    void theKeysGoIntoTheExternalSecurityPolicyAlone() {
        var model = ModelFixtures.model("team-a", "blue", "Qwen/Qwen3-0.6B", SPEC);
        var few = render(model, List.of(model), keys(1), OIDC);
        // More client ids than one authorisation rule takes, so the policy's rules are chunked.
        var many = render(model, List.of(model), keys(300), OIDC);

        assertThat(few.keyed()).isNotNull();
        assertThat(few.keyed().object().getKind()).isEqualTo("SecurityPolicy");
        assertThat(few.keyed().object().getMetadata().getName()).endsWith("-external");
        assertThat(json(List.of(few.keyed()))).isNotEqualTo(json(List.of(many.keyed())));
        assertThat(few.gatewayInputs()).isEqualTo(many.gatewayInputs());
        assertThat(json(keyless(few))).isEqualTo(json(keyless(many)));
        assertThat(keyless(few)).extracting(Manifest::kind).contains(ChildKind.SECURITY_POLICY,
                ChildKind.BACKEND_TRAFFIC_POLICY, ChildKind.AI_GATEWAY_ROUTE, ChildKind.REFERENCE_GRANT);
        assertThat(few.keyless(few.keyed())).isFalse();
        assertThat(few.workload()).isNotEmpty().noneMatch(few::keyless);
        assertThat(few.picker()).isNotEmpty().noneMatch(few::keyless);
    }

    @Test
    void equalInputsRenderTheKeylessObjectsAlikeAndEveryInputThatChangesThemIsAmongThem() {
        var blue = ModelFixtures.model("team-a", "blue", "Qwen/Qwen3-0.6B", SPEC + "traffic: {weight: 80}");
        var green = ModelFixtures.model("team-a", "green", "Qwen/Qwen3-0.6B", SPEC + "traffic: {weight: 20}");
        var evenGreen = ModelFixtures.model("team-a", "green", "Qwen/Qwen3-0.6B", SPEC + "traffic: {weight: 80}");
        var renders = new ArrayList<ModelManifests>();
        for (var revisions : List.of(List.of(blue), List.of(blue, green), List.of(blue, evenGreen))) {
            for (var oidc : java.util.Arrays.asList(null, OIDC, MOVED)) {
                for (var keys : List.of(keys(0), keys(2), keys(300))) {
                    renders.add(render(blue, revisions, keys, oidc));
                }
            }
        }

        var differingPairs = 0;
        for (var one : renders) {
            for (var other : renders) {
                var alike = json(keyless(one)).equals(json(keyless(other)));
                if (one.gatewayInputs().equals(other.gatewayInputs())) {
                    assertThat(alike).as("equal inputs %s", one.gatewayInputs()).isTrue();
                } else if (!alike) {
                    differingPairs++;
                }
            }
        }
        // Each of the 9 combinations of OIDC provider and split renders differently from the other 8 (9 × 8 pairs,
        // each of them 3 × 3 times over for the keys): none of the inputs is there for nothing.
        assertThat(differingPairs).isEqualTo(9 * 8 * 3 * 3);
    }

    private static List<String> keys(int count) {
        return IntStream.range(0, count).mapToObj(i -> "k" + i).toList();
    }

    private static ModelManifests render(LLMModel model, List<LLMModel> revisions, List<String> clientIds,
            AccessInputs.@Nullable OidcProvider oidc) {
        var desired = new DesiredState(ModelFixtures.settings(), new DesiredState.ObservedInputs() {
            @Override
            public AccessInputs accessFor(LLMModel one) {
                var name = one.getMetadata().getName();
                return new AccessInputs(List.of("keys.team-a." + name + ".0"),
                        clientIds.stream().map(id -> name + "-" + id).toList(), oidc);
            }

            @Override
            public AccessInputs accessFor(PassthroughModel provider) {
                throw new UnsupportedOperationException("no external providers here");
            }
        });
        return desired.of(model, revisions);
    }

    private static List<Manifest> keyless(ModelManifests manifests) {
        return manifests.manifests().stream().filter(manifests::keyless).toList();
    }

    private static String json(List<Manifest> manifests) {
        return ModelFixtures.SERIALIZATION.asJson(manifests.stream().map(Manifest::object).toList());
    }
}
