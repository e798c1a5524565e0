package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.events.RevocationReason;
import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.model.ModelEventReason;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys stop working when access shrinks or their lifetime ends, exactly for the keys concerned, and audited. */
@WithKubernetes(upstreamCrds = false)
class AutomaticRevocationTest extends KeyStorePerTest {

    static final ModelRef LLAMA = new ModelRef("team-a", "llama");
    static final ModelRef QWEN = new ModelRef("team-a", "qwen");
    static final AccessSpec ML_AND_OPS = new AccessSpec(false, List.of("ml", "ops"));

    private List<String> auditedRevocations(String reason) {
        return store.audit.recent(100).stream()
                .filter(r -> r.reason().map(RevocationReason::label).orElse("").equals(reason))
                .map(AuditRecord::clientId).toList();
    }

    @Test
    void whenAModelsAccessChangesOnlyKeysWhoseGrantingGroupsLostAccessAreRevoked() {
        var ada = store.keys.mint(request(user("ada"), Set.of("ml"), LLAMA, ML_AND_OPS));
        var bob = store.keys.mint(request(user("bob"), Set.of("ops"), LLAMA, ML_AND_OPS));
        var carol = store.keys.mint(request(user("carol"), Set.of("ml", "ops"), LLAMA, ML_AND_OPS));
        var dan = store.keys.mint(request(user("dan"), Set.of("sales"), LLAMA, KeyStoreFixture.PUBLIC));
        var elsewhere = store.keys.mint(request(user("ada"), Set.of("ml"), QWEN, ML_AND_OPS));
        var opsOnly = new AccessSpec(false, List.of("ops"));

        var revoked = store.keys.revokeNoLongerGranted(LLAMA, opsOnly);

        assertThat(revoked).extracting(ApiKey::clientId).containsExactlyInAnyOrder(ada.clientId(), dan.clientId());
        assertThat(store.keys.list(KeyQuery.all())).extracting(ApiKey::clientId)
                .containsExactlyInAnyOrder(bob.clientId(), carol.clientId(), elsewhere.clientId());
        assertThat(auditedRevocations("access-changed"))
                .containsExactlyInAnyOrder(ada.clientId().value(), dan.clientId().value());
        // Making the model public again revokes nothing.
        assertThat(store.keys.revokeNoLongerGranted(LLAMA, KeyStoreFixture.PUBLIC)).isEmpty();
    }

    @Test
    void whenAUserLogsInWithFewerGroupsTheirKeysForModelsTheyLostAreRevoked() {
        var llama = store.keys.mint(request(user("ada"), Set.of("ml"), LLAMA, ML_AND_OPS));
        var qwen = store.keys.mint(request(user("ada"), Set.of("ml"), QWEN, KeyStoreFixture.PUBLIC));
        var bobs = store.keys.mint(request(user("bob"), Set.of("ml"), LLAMA, ML_AND_OPS));
        var access = Map.of(LLAMA, ML_AND_OPS, QWEN, KeyStoreFixture.PUBLIC);

        var revoked = store.keys.revokeOnGroupsChange(user("ada"), Set.of("sales"),
                model -> Optional.ofNullable(access.get(model)));

        assertThat(revoked).extracting(ApiKey::clientId).containsExactly(llama.clientId());
        assertThat(store.keys.list(KeyQuery.all())).extracting(ApiKey::clientId)
                .containsExactlyInAnyOrder(qwen.clientId(), bobs.clientId());
        assertThat(auditedRevocations("groups-changed")).containsExactly(llama.clientId().value());
    }

    @Test
    void theExpirySweepRemovesExactlyTheExpiredKeys() {
        var shortLived = store.keys.mint(new MintRequest(user("ada"), Set.of(), LLAMA, KeyStoreFixture.PUBLIC, "ci",
                Optional.of(KeyLifetime.of(Duration.ofHours(1)))));
        var longLived = store.keys.mint(new MintRequest(user("ada"), Set.of(), LLAMA, KeyStoreFixture.PUBLIC, "laptop",
                Optional.of(KeyLifetime.of(Duration.ofDays(30)))));

        assertThat(store.keys.sweepExpired()).isEmpty();
        store.clock.advance(Duration.ofHours(2));
        assertThat(store.keys.sweepExpired()).extracting(ApiKey::clientId).containsExactly(shortLived.clientId());

        assertThat(store.keys.list(KeyQuery.all())).extracting(ApiKey::clientId).containsExactly(longLived.clientId());
        assertThat(store.audit.recent(1)).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo(AuditRecord.EXPIRED);
            assertThat(r.clientId()).isEqualTo(shortLived.clientId().value());
            assertThat(r.eventReason()).isEqualTo(ModelEventReason.KeyExpired);
        });
    }

    @Test
    void aKeyWhoseMetadataCannotBeReadIsSkippedAndTheOthersAreStillListedAndSwept() {
        var shortLived = store.keys.mint(new MintRequest(user("ada"), Set.of(), LLAMA, KeyStoreFixture.PUBLIC, "ci",
                Optional.of(KeyLifetime.of(Duration.ofHours(1)))));
        var editedByHand = store.keys.mint(request(user("bob"), LLAMA));
        var newerFormat = store.keys.mint(request(user("carol"), LLAMA));
        var fine = store.keys.mint(request(user("dan"), LLAMA));
        var shard = KeySecretLayout.shardName(LLAMA, 0);
        store.client.secrets().inNamespace(store.namespace).withName(shard).edit(secret -> {
            secret.getMetadata().getAnnotations().put(KeySecretLayout.keyAnnotation(editedByHand.clientId()), "{}");
            secret.getMetadata().getAnnotations().put(KeySecretLayout.keyAnnotation(newerFormat.clientId()),
                    "{\"v\":2,\"owner\":{\"sub\":\"x\"}}");
            return secret;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> store.cache.shard(shard).unreadable().size() == 2);

        assertThat(store.keys.list(KeyQuery.all())).extracting(ApiKey::clientId)
                .containsExactlyInAnyOrder(shortLived.clientId(), fine.clientId());
        assertThat(store.cache.shard(shard).unreadable()).hasEntrySatisfying(newerFormat.clientId(),
                reason -> assertThat(reason).contains("newer version"));
        assertThat(store.cache.shard(shard).unreadable()).hasEntrySatisfying(editedByHand.clientId(),
                reason -> assertThat(reason).contains("'sub' is missing"));

        store.clock.advance(Duration.ofHours(2));
        assertThat(store.keys.sweepExpired()).extracting(ApiKey::clientId).containsExactly(shortLived.clientId());

        // the unreadable keys are left exactly as they were: nothing is deleted on a guess
        var after = store.client.secrets().inNamespace(store.namespace).withName(shard).get();
        assertThat(after.getData()).containsOnlyKeys(editedByHand.clientId().value(), newerFormat.clientId().value(),
                fine.clientId().value());
        assertThat(after.getMetadata().getAnnotations())
                .containsEntry(KeySecretLayout.keyAnnotation(editedByHand.clientId()), "{}");
    }

    @Test
    void theSweeperComponentSweepsOnItsSchedule() {
        store.keys.mint(new MintRequest(user("ada"), Set.of(), LLAMA, KeyStoreFixture.PUBLIC, "ci",
                Optional.of(KeyLifetime.of(Duration.ofMinutes(1)))));
        store.clock.advance(Duration.ofMinutes(2));
        var sweeper = new KeyExpirySweeper(store.keys, Duration.ofMillis(100), false);
        sweeper.start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> store.keys.list(KeyQuery.all()).isEmpty());
        } finally {
            sweeper.stop();
        }
    }
}
