package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.events.KeysChanged;
import dev.nebari.llm.keys.events.RevocationReason;
import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.keys.storage.KeyShard;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys are stored in the keys namespace as docs/api-keys.md describes, read back, revoked and never reissued. */
@WithKubernetes(upstreamCrds = false)
class KeyStorageTest extends KeyStorePerTest {

    static final ModelRef MODEL = new ModelRef("team-a", "llama");

    @Override
    KeyStoreFixture open(TestCluster cluster) {
        return new KeyStoreFixture(cluster, KeyStoreFixture.DEFAULT_RULES, true);
    }

    private List<Secret> shardSecrets() {
        return store.client.secrets().inNamespace(store.namespace)
                .withLabel(KeySecretLayout.COMPONENT, KeySecretLayout.CREDENTIALS_COMPONENT).list().getItems();
    }

    @Test
    void mintStoresTheKeyAndItsMetadataInTheSameSecret() {
        var issued = store.keys.mint(new MintRequest(user("ada"), Set.of("ml", "other"), MODEL,
                new AccessSpec(false, List.of("ml", "ops")), "notebook", Optional.of(KeyLifetime.of(Duration.ofDays(7)))));

        var secret = store.client.secrets().inNamespace(store.namespace)
                .withName(KeySecretLayout.shardName(MODEL, 0)).get();
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getData()).containsOnlyKeys(issued.clientId().value());
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get(issued.clientId().value())),
                StandardCharsets.US_ASCII)).isEqualTo(issued.secret().reveal());
        assertThat(secret.getMetadata().getLabels())
                .containsEntry(KeySecretLayout.MODEL_NAMESPACE_LABEL, "team-a")
                .containsEntry(KeySecretLayout.MODEL_LABEL, "llama")
                .containsEntry(KeySecretLayout.SHARD_LABEL, "0");
        var stored = KeyShard.of(secret).key(issued.clientId()).orElseThrow();
        assertThat(stored.metadata()).satisfies(m -> {
            assertThat(m.owner()).isEqualTo(user("ada"));
            assertThat(m.model()).isEqualTo(MODEL);
            assertThat(m.description()).isEqualTo("notebook");
            assertThat(m.grantingGroups()).containsExactly("ml");
            assertThat(m.grantedByPublic()).isFalse();
            assertThat(m.expires()).contains(m.created().plus(Duration.ofDays(7)));
            assertThat(m.displayHint()).isEqualTo(issued.secret().reveal().substring(issued.secret().reveal().length() - 4));
        });
        assertThat(store.keys.list(KeyQuery.ownedBy("sub-ada"))).containsExactly(issued.key());
        assertThat(store.keys.list(KeyQuery.forModel(MODEL))).containsExactly(issued.key());
        assertThat(store.keys.list(KeyQuery.forModel(new ModelRef("team-a", "other")))).isEmpty();
        assertThat(store.events).contains(new KeysChanged("team-a", "llama"));
        assertThat(store.audit.recent(10)).filteredOn(r -> r.action().equals("issued")).singleElement()
                .satisfies(r -> assertThat(r.clientId()).isEqualTo(issued.clientId().value()));
    }

    @Test
    void revokeRemovesKeyAndMetadataTogether() {
        var kept = store.keys.mint(request(user("ada"), MODEL));
        var revoked = store.keys.mint(request(user("ada"), MODEL));

        store.keys.revoke(revoked.clientId(), Actor.user(user("ada")));

        var shard = KeyShard.of(shardSecrets().getFirst());
        assertThat(shard.credentialIds()).containsExactly(kept.clientId().value());
        assertThat(shard.keys()).extracting(ApiKey::clientId).containsExactly(kept.clientId());
        assertThat(store.keys.find(revoked.clientId())).isEmpty();
        assertThat(store.audit.recent(10)).filteredOn(r -> r.action().equals("revoked")).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains(RevocationReason.USER));
    }

    @Test
    void aRevokedClientIdIsNeverIssuedAgainEvenIfTheAllocatorIsDeleted() {
        var issued = new ArrayList<ClientId>();
        for (int i = 0; i < 3; i++) {
            var key = store.keys.mint(request(user("ada"), MODEL));
            issued.add(key.clientId());
            store.keys.revoke(key.clientId(), Actor.user(user("ada")));
        }
        // Losing the allocator's high-water mark must not bring old ids back.
        store.client.configMaps().inNamespace(store.namespace).withName(KeySecretLayout.ALLOCATOR_NAME).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.client.configMaps().inNamespace(store.namespace)
                .withName(KeySecretLayout.ALLOCATOR_NAME).get() == null);
        // The allocator's floor is the clock (ids per millisecond), so the only assumption is that time moves on.
        store.clock.advance(Duration.ofMillis(1));
        IssuedKey fresh;
        try (var restarted = new KeyStoreFixture.Restarted(store)) {
            fresh = restarted.keys.mint(request(user("bob"), MODEL));
        }

        assertThat(issued).doesNotHaveDuplicates().isSorted();
        assertThat(fresh.clientId()).isNotIn(issued).isGreaterThan(issued.getLast());
    }

    /** A rename changes the description only: same client id, same value in the Secret, same hint and dates. */
    @Test
    void aKeyIsRenamedInPlaceByItsOwnerOnly() {
        var issued = store.keys.mint(request(user("ada"), MODEL));
        var before = shardSecrets().getFirst().getData();

        var renamed = store.keys.rename(issued.clientId(), "laptop, renamed", Actor.user(user("ada")));

        assertThat(renamed.clientId()).isEqualTo(issued.clientId());
        assertThat(renamed.metadata()).isEqualTo(issued.key().metadata().withDescription("laptop, renamed"));
        assertThat(shardSecrets().getFirst().getData()).as("the value is untouched").isEqualTo(before);
        assertThat(KeyShard.of(shardSecrets().getFirst()).key(issued.clientId()).orElseThrow().metadata().description())
                .isEqualTo("laptop, renamed");
        assertThat(store.keys.find(issued.clientId()).orElseThrow().metadata().description()).isEqualTo("laptop, renamed");

        assertThatThrownBy(() -> store.keys.rename(issued.clientId(), "mine", Actor.user(user("eve"))))
                .isInstanceOf(KeyException.NotKeyOwner.class);
        assertThatThrownBy(() -> store.keys.rename(issued.clientId(), "x".repeat(201), Actor.user(user("ada"))))
                .isInstanceOf(KeyException.InvalidRequest.class);
        assertThatThrownBy(() -> store.keys.rename(new ClientId("k000000000000000"), "gone", Actor.user(user("ada"))))
                .isInstanceOf(KeyException.KeyNotFound.class);
        assertThat(store.keys.rename(issued.clientId(), "admin's name", Actor.admin("sub-root", "root")).metadata().description())
                .isEqualTo("admin's name");
        assertThat(store.audit.recent(10)).extracting(r -> r.action() + " " + r.key().map(KeyIdentity::description).orElse("-"))
                .startsWith("renamed admin's name", "refused laptop, renamed", "renamed laptop, renamed", "issued test key");
    }

    @Test
    void aUserMayRevokeOnlyTheirOwnKeysAndAnAdminAnyKey() {
        var adas = store.keys.mint(request(user("ada"), MODEL));

        assertThatThrownBy(() -> store.keys.revoke(adas.clientId(), Actor.user(user("bob"))))
                .isInstanceOf(KeyException.NotKeyOwner.class);
        assertThat(store.keys.revoke(adas.clientId(), Actor.admin("sub-root", "root"))).isEqualTo(adas.key());
        assertThat(store.audit.recent(10)).filteredOn(r -> r.action().equals("revoked")).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains(RevocationReason.ADMIN));
        assertThatThrownBy(() -> store.keys.revoke(adas.clientId(), Actor.admin("sub-root", "root")))
                .isInstanceOf(KeyException.KeyNotFound.class);
    }

    @Test
    void mintIsRefusedWithoutAccessAboveTheCapOrWithATooLongLifetime() {
        var privateModel = new AccessSpec(false, List.of("ml"));
        assertThatThrownBy(() -> store.keys.mint(request(user("eve"), Set.of("sales"), MODEL, privateModel)))
                .isInstanceOf(KeyException.ModelAccessDenied.class);
        assertThatThrownBy(() -> store.keys.mint(new MintRequest(user("ada"), Set.of(), MODEL, KeyStoreFixture.PUBLIC,
                "", Optional.of(KeyLifetime.of(Duration.ofDays(366))))))
                .isInstanceOf(KeyException.InvalidLifetime.class).hasMessageContaining("365 days");
        assertThatThrownBy(() -> store.keys.mint(new MintRequest(user("ada"), Set.of(), MODEL, KeyStoreFixture.PUBLIC,
                "", Optional.of(KeyLifetime.noExpiry()))))
                .isInstanceOf(KeyException.InvalidLifetime.class);
        for (int i = 0; i < KeyStoreFixture.DEFAULT_RULES.maxPerUserPerModel(); i++) {
            store.keys.mint(request(user("ada"), MODEL));
        }
        assertThatThrownBy(() -> store.keys.mint(request(user("ada"), MODEL)))
                .isInstanceOf(KeyException.KeyLimitReached.class);
        assertThat(store.keys.list(KeyQuery.ownedBy("sub-ada"))).hasSize(5);
        // The cap is per model.
        store.keys.mint(request(user("ada"), new ModelRef("team-a", "mistral")));
    }

    @Test
    void bulkRevocationByUserAndByModelSupportsADryRun() {
        var other = new ModelRef("team-b", "qwen");
        store.keys.mint(request(user("ada"), MODEL));
        store.keys.mint(request(user("ada"), other));
        store.keys.mint(request(user("bob"), MODEL));
        var admin = Actor.admin("sub-root", "root");

        assertThatThrownBy(() -> store.keys.revokeAllOwnedBy("sub-ada", Actor.user(user("ada")), true))
                .isInstanceOf(KeyException.AdminOnly.class);
        var wouldRevoke = store.keys.revokeAllOwnedBy("sub-ada", admin, true);
        assertThat(wouldRevoke).extracting(ApiKey::model).containsExactlyInAnyOrder(MODEL, other);
        assertThat(store.keys.list(KeyQuery.all())).hasSize(3);

        assertThat(store.keys.revokeAllOwnedBy("sub-ada", admin, false)).containsExactlyInAnyOrderElementsOf(wouldRevoke);
        assertThat(store.keys.list(KeyQuery.all())).extracting(k -> k.owner().username()).containsExactly("bob");
        assertThat(store.keys.revokeAllForModel(MODEL, admin, true)).hasSize(1);
        assertThat(store.keys.revokeAllForModel(MODEL, admin, false)).hasSize(1);
        assertThat(store.keys.list(KeyQuery.all())).isEmpty();
    }

    @Test
    void theGatewayReadApiListsSecretsAndClientIds() {
        var a = store.keys.mint(request(user("ada"), MODEL));
        var b = store.keys.mint(request(user("bob"), MODEL));
        var other = new ModelRef("team-b", "qwen");
        store.keys.mint(request(user("bob"), other));
        var credentials = store.credentials();

        assertThat(credentials.namespace()).isEqualTo(store.namespace);
        assertThat(credentials.credentialSecretNames(MODEL)).containsExactly("keys.team-a.llama.0");
        assertThat(credentials.clientIds(MODEL)).containsExactlyInAnyOrder(a.clientId(), b.clientId());
        assertThat(credentials.allCredentialSecretNames()).containsExactly("keys.team-a.llama.0", "keys.team-b.qwen.0");
    }

    @Test
    void everyMintAndRevokeIsAnEventOnTheModel() {
        var issued = store.keys.mint(request(user("ada"), new ModelRef(store.namespace, "llama")));
        store.keys.revoke(issued.clientId(), Actor.user(user("ada")));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.client.v1().events()
                .inNamespace(store.namespace).list().getItems())
                .filteredOn(e -> "llama".equals(e.getInvolvedObject().getName()))
                .allSatisfy(e -> {
                    assertThat(e.getInvolvedObject().getKind()).isEqualTo("LLMModel");
                    assertThat(e.getMessage()).contains(issued.clientId().value()).doesNotContain(issued.secret().reveal());
                })
                .extracting(io.fabric8.kubernetes.api.model.Event::getReason)
                .containsExactlyInAnyOrder("KeyIssued", "KeyRevoked"));
        assertThat(store.audit.recent(10)).extracting(AuditRecord::action).containsExactly("revoked", "issued");
    }
}
