package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.storage.AuditLogStore;
import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The admin audit view is the same on every replica and survives restarts: entries are stored in ConfigMaps of the
 * keys namespace on the real API server. Refused requests are audited too.
 */
@WithKubernetes(upstreamCrds = false)
class SharedAuditTest extends KeyStorePerTest {

    static final ModelRef MODEL = new ModelRef("team-a", "qwen");
    static final AccessSpec ML_ONLY = new AccessSpec(false, List.of("ml"));
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void everyReplicaShowsTheSameHistoryIncludingRefusalsAndARestartKeepsIt() {
        try (var other = new KeyStoreFixture.Restarted(store)) {
            var ada = store.keys.mint(request(user("ada"), Set.of("ml"), MODEL, ML_ONLY));
            store.clock.advance(Duration.ofSeconds(1)); // the history is in time order, across replicas
            // the other replica's cache learns of the key a moment later
            await().atMost(TIMEOUT).ignoreException(KeyException.KeyNotFound.class)
                    .until(() -> other.keys.revoke(ada.clientId(), Actor.user(user("ada"))) != null);
            store.clock.advance(Duration.ofSeconds(1));
            assertThatThrownBy(() -> other.keys.mint(request(user("eve"), Set.of("sales"), MODEL, ML_ONLY)))
                    .isInstanceOf(KeyException.ModelAccessDenied.class);
            store.clock.advance(Duration.ofSeconds(1));
            var bob = store.keys.mint(request(user("bob"), Set.of("ml"), MODEL, ML_ONLY));
            store.clock.advance(Duration.ofSeconds(1));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThatThrownBy(
                    () -> other.keys.revoke(bob.clientId(), Actor.user(user("eve")))).isInstanceOf(KeyException.NotKeyOwner.class));

            var expected = List.of("refused not-key-owner " + bob.clientId().value() + " by eve",
                    "issued " + bob.clientId().value() + " by bob",
                    "refused model-access-denied  by eve",
                    "revoked " + ada.clientId().value() + " by ada",
                    "issued " + ada.clientId().value() + " by ada");
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(summary(store.audit.recent(10))).containsExactlyElementsOf(expected);
                assertThat(summary(other.audit.recent(10))).containsExactlyElementsOf(expected);
            });

            assertThat(store.meters.get("nebari.keys.operations").tag("action", "issued").counter().count())
                    .as("keys this replica issued").isEqualTo(2);
            assertThat(other.meters.get("nebari.keys.operations").tag("action", "refused").counter().count())
                    .as("requests the other replica refused").isEqualTo(2);
            assertThat(other.meters.get("nebari.keys.operations").tag("action", "revoked").counter().count()).isEqualTo(1);

            // a replica started afterwards (or this one after a restart) reads the same history from the API server
            try (var restarted = new KeyStoreFixture.Restarted(store)) {
                await().atMost(TIMEOUT).untilAsserted(() ->
                        assertThat(summary(restarted.audit.recent(10))).containsExactlyElementsOf(expected));
            }
        }
        var chunks = store.client.configMaps().inNamespace(store.namespace)
                .withLabel(KeySecretLayout.COMPONENT, AuditLogStore.COMPONENT_VALUE).list().getItems();
        assertThat(chunks).as("one chunk per replica that wrote").hasSize(2);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.getData().values())
                .noneMatch(json -> json.contains("sk-")).as("no key value in the audit"));
    }

    /** Records name the key as the pages do, and a bulk revocation says what it named, on every replica. */
    @Test
    void theAuditNamesKeysAndBulkRevocationsOnEveryReplica() {
        var single = store.keys.mint(new MintRequest(user("ada"), Set.of(), MODEL, new AccessSpec(true, List.of()),
                "laptop", Optional.of(KeyLifetime.of(Duration.ofDays(7)))));
        var swept = store.keys.mint(request(user("ada"), MODEL));
        var admin = Actor.admin("sub-root", "root");
        store.keys.revoke(single.clientId(), admin);
        store.keys.revokeAll(KeyQuery.all().withUser("ada"), admin, false);

        try (var other = new KeyStoreFixture.Restarted(store)) {
            await().atMost(TIMEOUT).untilAsserted(() -> {
                var revoked = other.audit.recent(AuditQuery.all().withAction(AuditQuery.Action.REVOKED), 10);
                assertThat(revoked).hasSize(2);
                assertThat(revoked).filteredOn(r -> r.clientId().equals(single.clientId().value())).singleElement()
                        .satisfies(r -> {
                            assertThat(r.key()).contains(single.key().identity());
                            assertThat(r.key().orElseThrow().description()).isEqualTo("laptop");
                            assertThat(r.bulk()).isEmpty();
                        });
                assertThat(revoked).filteredOn(r -> r.clientId().equals(swept.clientId().value())).singleElement()
                        .satisfies(r -> assertThat(r.bulk()).contains(new BulkScope(Optional.of("ada"), Optional.empty())));
                assertThat(other.audit.recent(AuditQuery.all().withAction(AuditQuery.Action.REVOKED_IN_BULK), 10))
                        .extracting(AuditRecord::clientId).containsExactly(swept.clientId().value());
                assertThat(other.audit.recent(AuditQuery.all().withUser("ROO").withAction(AuditQuery.Action.ISSUED), 10))
                        .as("root issued nothing").isEmpty();
            });
        }
    }

    /** A line written before records named keys (no description, hint or bulk) is still read and shown. */
    @Test
    void anAuditLineOfAnEarlierVersionIsStillRead() {
        var line = """
                {"ts":"2026-01-05T10:00:00Z","event":"api-key.revoked","clientId":"k1k8d0t4g000drfk","modelNamespace":"team-a",\
                "model":"qwen","owner":"sub-ada","ownerUsername":"ada","actor":"sub-root","actorUsername":"root",\
                "actorRole":"admin","reason":"admin"}""";
        assertThat(KeyAuditTrail.fromJson(line)).hasValueSatisfying(record -> {
            assertThat(record.clientId()).isEqualTo("k1k8d0t4g000drfk");
            assertThat(record.key()).isEmpty();
            assertThat(record.bulk()).isEmpty();
        });
    }

    @Test
    void aUserHammeringAboveTheWriteRateIsAuditedOnceAMinute() {
        var missing = new ClientId("k000000000000000");
        var hasty = Actor.user(user("hasty"));
        // a refusal is attributed to the key's model, so attempts on a missing key are not audited at all
        var target = store.keys.mint(request(user("owner"), MODEL));
        for (int i = 0; i < 40; i++) {
            try {
                store.keys.revoke(i < 35 ? missing : target.clientId(), hasty);
            } catch (KeyException.KeyNotFound | KeyException.TooManyWrites | KeyException.NotKeyOwner expected) {
                // 30 allowed (not found), then refused
            }
        }
        var refusals = store.audit.recent(100).stream().filter(AuditRecord::isRefusal)
                .map(r -> r.refusal().orElseThrow()).toList();
        assertThat(refusals).containsExactly("too-many-requests");
    }

    static List<String> summary(List<AuditRecord> records) {
        return records.stream().map(r -> r.action() + (r.refusal().map(code -> " " + code).orElse("")) + " "
                + r.clientId() + " by " + r.actorUsername()).toList();
    }
}
