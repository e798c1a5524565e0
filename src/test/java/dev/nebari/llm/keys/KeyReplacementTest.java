package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replacement of a key about to expire: a key like it, for its owner only, leaving the old key alone. */
@WithKubernetes(upstreamCrds = false)
class KeyReplacementTest extends KeyStorePerTest {

    static final ModelRef QWEN = new ModelRef("team-a", "qwen");
    /** keys.maxTTL of 90 days: lower than the lifetime some older keys were given. */
    static final PackSettings.Keys RULES =
            new PackSettings.Keys(Duration.ofDays(30), Duration.ofDays(90), false, 2, Duration.ofSeconds(60), 30);

    @Override
    KeyStoreFixture open(TestCluster cluster) {
        return new KeyStoreFixture(cluster, RULES);
    }

    @Test
    void theReplacementHasTheOldKeysDescriptionModelAndLifetimeLengthAndTheOldKeyStays() {
        var ada = user("ada");
        var old = store.keys.mint(new MintRequest(ada, Set.of(), QWEN, KeyStoreFixture.PUBLIC, "nightly job",
                Optional.of(KeyLifetime.of(Duration.ofHours(36))))).key();
        store.clock.advance(Duration.ofHours(30));

        var replacement = store.keys.mintReplacement(old, ada, Set.of(), KeyStoreFixture.PUBLIC).key();

        assertThat(replacement.clientId()).isNotEqualTo(old.clientId());
        assertThat(replacement.metadata().description()).isEqualTo("nightly job");
        assertThat(replacement.model()).isEqualTo(QWEN);
        assertThat(replacement.metadata().created()).isEqualTo(old.metadata().created().plus(Duration.ofHours(30)));
        assertThat(replacement.metadata().lifetime()).hasValue(Duration.ofHours(36));
        assertThat(store.keys.find(old.clientId())).isPresent();
    }

    @Test
    void aLifetimeLongerThanTheMaximumIsNowIsShortenedToIt() {
        var ada = user("ada");
        var created = store.clock.instant().minus(Duration.ofDays(360));
        var yearLong = new ApiKey(new ClientId("k000000000000001"), new KeyMetadata(ada, QWEN, "from last year", created,
                Optional.of(created.plus(Duration.ofDays(365))), true, List.of(), "abcd"));

        var replacement = store.keys.mintReplacement(yearLong, ada, Set.of(), KeyStoreFixture.PUBLIC).key();

        assertThat(replacement.metadata().lifetime()).hasValue(Duration.ofDays(90));
    }

    @Test
    void onlyTheOwnerGetsAReplacementAndTheCapStillHolds() {
        var old = store.keys.mint(request(user("ada"), QWEN)).key();

        assertThatThrownBy(() -> store.keys.mintReplacement(old, user("eve"), Set.of(), KeyStoreFixture.PUBLIC))
                .isInstanceOf(KeyException.NotKeyOwner.class);
        store.keys.mintReplacement(old, user("ada"), Set.of(), KeyStoreFixture.PUBLIC);
        assertThatThrownBy(() -> store.keys.mintReplacement(old, user("ada"), Set.of(), KeyStoreFixture.PUBLIC))
                .isInstanceOf(KeyException.KeyLimitReached.class);
        assertThat(store.keys.list(KeyQuery.ownedBy("sub-ada"))).hasSize(2);
    }
}
