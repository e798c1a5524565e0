package dev.nebari.llm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.GroupNames;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * One spelling of a group for every part of the pack: whatever an admin writes in {@code access.groups} (leading or
 * trailing slashes, blanks around it), the internal endpoint's JWT rule accepts exactly the tokens whose group, as
 * the identity provider writes it (full path {@code /name} or plain {@code name}), the portal and the keys module
 * also count as that group, so an API key and a token of the same user are never judged differently.
 */
class GroupSpellingProperties {

    @Property
    void theJwtRuleAcceptsBothSpellingsOfWhatThePortalCountsAsTheGroup(@ForAll("oddlyWrittenGroups") String written) {
        var values = AccessPolicyRenderer.groupClaimValues(List.of(written));
        var group = GroupNames.normalise(written);
        if (group.isEmpty()) {
            assertThat(values).as("nothing is granted for %s", written).isEmpty();
            return;
        }
        assertThat(values).containsExactlyInAnyOrder(group, "/" + group);
        // a token's groups as Keycloak writes them, normalised the way the portal does, name the same group
        for (var claim : values) {
            assertThat(GroupNames.normalise(claim)).isEqualTo(group);
        }
    }

    @Provide
    Arbitrary<String> oddlyWrittenGroups() {
        var name = Arbitraries.strings().withChars("abcdefgh-_.").ofMinLength(0).ofMaxLength(8);
        var path = name.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("/", parts));
        var edge = Arbitraries.of("", "/", "//", " ", " /");
        return net.jqwik.api.Combinators.combine(edge, path, edge).as((before, middle, after) -> before + middle + after);
    }
}
