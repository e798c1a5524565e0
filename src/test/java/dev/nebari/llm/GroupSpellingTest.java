package dev.nebari.llm;

import static dev.nebari.llm.model.ModelFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.gateway.AccessPolicyRenderer;
import dev.nebari.llm.identity.CallerResolver;
import dev.nebari.llm.keys.ModelAccess;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.model.GroupNames;
import dev.nebari.llm.model.GroupNamesTest;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ObjectTree;
import dev.nebari.llm.testing.SeededInputs;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One spelling of a group for every part of the pack: whatever an admin writes in {@code access.groups} (leading or
 * trailing slashes, blanks around it), the internal endpoint's JWT rule accepts a token exactly when the keys module
 * lets the token's owner hold a key for the model (the portal and the API ask it), so an API key and a token of the
 * same user are never judged differently. Tokens carry groups as the identity provider writes them: {@code /path}
 * (Keycloak's full group path) or the plain name.
 */
class GroupSpellingTest {

    static final AccessInputs.OidcProvider OIDC = new AccessInputs.OidcProvider(
            "https://id.example.com/realms/nebari", "https://id.example.com/realms/nebari/keys");
    static final CallerResolver IDENTITY = new CallerResolver(settings().auth());

    static LongStream seeds() {
        return SeededInputs.seeds(300);
    }

    @Test
    void aGroupWrittenWithATrailingSlashIsTheSameGroupForTheKeysAndTheJwtRule() {
        var access = new AccessSpec(false, List.of("team/"));

        assertThat(jwtRuleValues(access)).containsExactlyInAnyOrder("team", "/team");
        for (var tokenGroup : List.of("team", "/team")) {
            assertThat(mayHoldAKey(tokenGroup, access)).as("a key for a token with group %s", tokenGroup).isTrue();
        }
        assertThat(mayHoldAKey("/org/team", access)).isFalse();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theJwtRuleAcceptsATokenExactlyWhenItsOwnerMayHoldAKey(long seed) {
        var inputs = new SeededInputs(seed);
        var written = GroupNamesTest.oddlyWrittenGroup(inputs);
        var access = new AccessSpec(false, List.of(written));
        var values = jwtRuleValues(access);
        var group = GroupNames.normalise(written);
        if (!group.isEmpty()) {
            assertThat(values).as("written '%s'", written).contains(group, "/" + group);
        }
        // the group in both spellings, and near misses: a child, a parent, another case
        var tokenGroups = group.isEmpty() ? List.of("team", "/team") : List.of(group, "/" + group, "/" + group + "/x",
                "x/" + group, "/x/" + group, group.toUpperCase(Locale.ROOT), "/" + group.toUpperCase(Locale.ROOT));
        for (var tokenGroup : tokenGroups) {
            assertThat(values.contains(tokenGroup))
                    .as("JWT rule %s for a token with group '%s' (written '%s')", values, tokenGroup, written)
                    .isEqualTo(mayHoldAKey(tokenGroup, access));
        }
    }

    /** What the identity layer makes of a token's group, judged by the keys module as portal and API do. */
    static boolean mayHoldAKey(String tokenGroup, AccessSpec access) {
        var caller = IDENTITY.resolve(Map.of("sub", "s", "groups", List.of(tokenGroup)));
        return ModelAccess.permits(caller.groups(), access);
    }

    /** The group claim values the rendered internal SecurityPolicy allows (all rules). */
    static List<String> jwtRuleValues(AccessSpec access) {
        var model = ModelFixtures.withSpec(ModelFixtures.referenceModel(), spec -> new LLMModelSpec(spec.model(),
                spec.resources(), spec.serving(), access, spec.endpoints(), spec.limits(), spec.advanced(), spec.traffic(), spec.adapters()));
        var policy = ObjectTree.of(AccessPolicyRenderer.internalPolicy(model, settings(), OIDC));
        return policy.list("spec.authorization.rules").stream()
                .map(rule -> new ObjectTree(asMap(rule)).list("principal.jwt.claims[0].values"))
                .flatMap(List::stream).map(String.class::cast).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
