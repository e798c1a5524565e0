package dev.nebari.llm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.GroupNames;
import dev.nebari.llm.testing.SeededInputs;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One spelling of a group for every part of the pack: whatever an admin writes in {@code access.groups} (leading or
 * trailing slashes, blanks around it), the internal endpoint's JWT rule accepts exactly the tokens whose group, as
 * the identity provider writes it (full path {@code /name} or plain {@code name}), the portal and the keys module
 * also count as that group, so an API key and a token of the same user are never judged differently.
 */
class GroupSpellingProperties {

    static LongStream seeds() {
        return SeededInputs.seeds(300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theJwtRuleAcceptsBothSpellingsOfWhatThePortalCountsAsTheGroup(long seed) {
        var written = oddlyWrittenGroup(new SeededInputs(seed));
        var values = AccessPolicyRenderer.groupClaimValues(List.of(written));
        var group = GroupNames.normalise(written);
        if (group.isEmpty()) {
            assertThat(values).as("nothing is granted for %s", written).isEmpty();
            return;
        }
        assertThat(values).as(written).containsExactlyInAnyOrder(group, "/" + group);
        // a token's groups as Keycloak writes them, normalised the way the portal does, name the same group
        for (var claim : values) {
            assertThat(GroupNames.normalise(claim)).isEqualTo(group);
        }
    }

    /** A group path of 1-3 parts, with slashes and blanks around it as admins type them. */
    static String oddlyWrittenGroup(SeededInputs inputs) {
        var path = String.join("/", inputs.list(1, 3, () -> inputs.string("abcdefgh-_.", 0, 8)));
        return inputs.oneOf("", "/", "//", " ", " /") + path + inputs.oneOf("", "/", "//", " ", " /");
    }
}
