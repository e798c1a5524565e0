package dev.nebari.llm.identity;

import dev.nebari.llm.model.GroupNames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.platform.PackSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens become callers: username fallbacks, group normalisation, the admin role. */
class CallerResolverTest {

    static final CallerResolver RESOLVER = new CallerResolver(new PackSettings.Auth(
            new PackSettings.Oidc("", "groups", "", "", List.of(), ""), List.of("/platform-admins")));

    @Test
    void pathAndPlainGroupNamesAreTheSameGroupButNestedPathsKeepTheirParents() {
        assertThat(GroupNames.normalise("/llm-users")).isEqualTo(GroupNames.normalise("llm-users")).isEqualTo("llm-users");
        assertThat(GroupNames.normalise("/org/team/")).isEqualTo("org/team");
        assertThat(GroupNames.normaliseAll(List.of("/org-a/team", "/org-b/team", "/", " ")))
                .containsExactly("org-a/team", "org-b/team");
    }

    @Test
    void usernameFallsBackFromPreferredUsernameToEmailToSubject() {
        assertThat(RESOLVER.resolve(Map.of("sub", "s1", "preferred_username", "ada", "email", "ada@example.com")).username())
                .isEqualTo("ada");
        assertThat(RESOLVER.resolve(Map.of("sub", "s1", "email", "ada@example.com")).username()).isEqualTo("ada@example.com");
        assertThat(RESOLVER.resolve(Map.of("sub", "s1")).username()).isEqualTo("s1");
    }

    @Test
    void groupsComeFromTheConfiguredClaimAndAdminsFromTheAdminGroupsEitherSpelling() {
        var caller = RESOLVER.resolve(Map.of("sub", "s1", "groups", List.of("/llm-users", "platform-admins")));
        assertThat(caller.groups()).containsExactlyInAnyOrder("llm-users", "platform-admins");
        assertThat(caller.admin()).isTrue();
        assertThat(RESOLVER.resolve(Map.of("sub", "s2", "groups", "llm-users")).groups()).containsExactly("llm-users");
        assertThat(RESOLVER.resolve(Map.of("sub", "s3", "roles", List.of("platform-admins"))).admin()).isFalse();
    }
}
