package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.keys.storage.KeyShard;
import dev.nebari.llm.keys.storage.KeyShardCache;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The key cache answers "the shards of this model" and "the shards holding this user's keys" from indexes (a scan of
 * every shard per mint made minting slow down as keys grew, bench/scale). The indexes must follow every change,
 * whoever made it: here a second cache, as another replica's, sees the writes only through its watch.
 */
@WithKubernetes(upstreamCrds = false)
class KeyShardIndexTest extends KeyStorePerTest {

    static final ModelRef LLAMA = new ModelRef("team-a", "llama");
    static final ModelRef QWEN = new ModelRef("team-a", "qwen");

    @Override
    KeyStoreFixture open(TestCluster cluster) {
        return new KeyStoreFixture(cluster);
    }

    /** Also without the owner index (the operator's cache): then the same answers come from a scan. */
    @ParameterizedTest(name = "owners indexed: {0}")
    @ValueSource(booleans = {true, false})
    void theIndexesFollowMintsRevocationsAndDeletionsSeenThroughTheWatch(boolean indexOwners) {
        try (var replica = new KeyShardCache(store.client, store.namespace, model -> { }, indexOwners)) {
            replica.start();
            replica.awaitSynced(Duration.ofSeconds(30));
            assertThat(replica.shardsOf(user("ada").subject())).isEmpty();

            var adaLlama = store.keys.mint(request(user("ada"), LLAMA));
            var adaQwen = store.keys.mint(request(user("ada"), QWEN));
            store.keys.mint(request(user("bob"), LLAMA));

            var llamaShard = KeySecretLayout.shardName(LLAMA, 0);
            var qwenShard = KeySecretLayout.shardName(QWEN, 0);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(names(replica.shardsOf(user("ada").subject()))).containsExactlyInAnyOrder(llamaShard, qwenShard);
                assertThat(names(replica.shardsOf(user("bob").subject()))).containsExactly(llamaShard);
                assertThat(names(replica.shards(QWEN))).containsExactly(qwenShard);
                assertThat(replica.names()).as("every shard's name, in order").containsExactly(llamaShard, qwenShard);
            });

            store.keys.revoke(adaQwen.clientId(), Actor.user(user("ada")));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(names(replica.shardsOf(user("ada").subject()))).as("qwen's shard holds none of ada's keys now")
                            .containsExactly(llamaShard));
            assertThat(store.keys.list(KeyQuery.ownedBy(user("ada").subject()))).extracting(ApiKey::clientId)
                    .containsExactly(adaLlama.clientId());

            store.client.secrets().inNamespace(store.namespace).withName(qwenShard).delete();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(replica.shards(QWEN)).isEmpty());
            assertThat(names(replica.shards(LLAMA))).containsExactly(llamaShard);
            assertThat(replica.names()).containsExactly(llamaShard);
            assertThat(names(replica.all())).containsExactly(llamaShard);
        }
    }

    @Test
    void aCacheThatHasListedHoldsEveryStoredShardAtOnce() {
        var models = 300;
        for (int i = 0; i < models; i++) {
            store.keys.mint(request(user("user-" + i), new ModelRef("team-a", "model-" + i)));
        }
        try (var replica = new KeyShardCache(store.client, store.namespace, model -> { })) {
            replica.start();
            replica.awaitSynced(Duration.ofSeconds(30));
            // no waiting here: what lists keys to the gateway renders right after this returns
            assertThat(replica.all()).as("shards known once listed").hasSize(models);
            assertThat(replica.shards(new ModelRef("team-a", "model-" + (models - 1)))).hasSize(1);
        }
    }

    private static List<String> names(List<KeyShard> shards) {
        return shards.stream().map(KeyShard::name).toList();
    }
}
