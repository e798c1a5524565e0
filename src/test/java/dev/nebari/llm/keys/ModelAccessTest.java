package dev.nebari.llm.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.AccessSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may hold a key for a model, and which keys survive an access change. */
class ModelAccessTest {

    static KeyMetadata grantedBy(boolean viaPublic, String... groups) {
        return new KeyMetadata(new KeyOwner("s", "u"), new ModelRef("ns", "m"), "", Instant.EPOCH, Optional.empty(),
                viaPublic, List.of(groups), "abcd");
    }

    @Test
    void aPublicModelAdmitsEveryoneAndRecordsTheListedGroupsToo() {
        assertThat(ModelAccess.grant(Set.of(), new AccessSpec(true, List.of()))).contains(new ModelAccess.Grant(true, List.of()));
        assertThat(ModelAccess.grant(Set.of("ml", "x"), new AccessSpec(true, List.of("ml"))))
                .contains(new ModelAccess.Grant(true, List.of("ml")));
    }

    @Test
    void aPrivateModelAdmitsOnlyListedGroupsAndRecordsAllOfThem() {
        var access = new AccessSpec(false, List.of("ops", "ml"));
        assertThat(ModelAccess.grant(Set.of("sales"), access)).isEmpty();
        assertThat(ModelAccess.grant(Set.of("ml", "ops", "x"), access)).contains(new ModelAccess.Grant(false, List.of("ml", "ops")));
    }

    @Test
    void aKeySurvivesWhileOneOfItsGrantingGroupsIsListedOrTheModelIsPublic() {
        var opsOnly = new AccessSpec(false, List.of("ops"));
        assertThat(ModelAccess.stillGranted(grantedBy(false, "ml", "ops"), opsOnly)).isTrue();
        assertThat(ModelAccess.stillGranted(grantedBy(false, "ml"), opsOnly)).isFalse();
        assertThat(ModelAccess.stillGranted(grantedBy(true), opsOnly)).isFalse();
        assertThat(ModelAccess.stillGranted(grantedBy(false, "ml"), new AccessSpec(true, List.of()))).isTrue();
    }
}
