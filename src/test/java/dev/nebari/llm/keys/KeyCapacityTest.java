package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.keys.storage.KeyShard;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import org.junit.jupiter.api.Test;

/** A model holds 2,000 keys: they spread over shard Secrets that each stay far inside the object limits. */
@WithKubernetes(upstreamCrds = false)
class KeyCapacityTest {

    @Test
    void twoThousandKeysForOneModelFitInShards(TestCluster cluster) throws Exception {
        var model = new ModelRef("team-a", "popular");
        try (var store = new KeyStoreFixture(cluster)) {
            var started = System.nanoTime();
            var issued = ConcurrentMintTest.atOnce(2_000, n -> store.keys.mint(request(user("user-" + n), model)));
            System.out.printf("2,000 mints took %.2f s%n", (System.nanoTime() - started) / 1e9);

            var shards = store.client.secrets().inNamespace(store.namespace)
                    .withLabel(KeySecretLayout.COMPONENT, KeySecretLayout.CREDENTIALS_COMPONENT).list().getItems()
                    .stream().map(KeyShard::of).toList();
            assertThat(shards).hasSizeGreaterThanOrEqualTo(10)
                    .allSatisfy(shard -> {
                        assertThat(shard.size()).isLessThanOrEqualTo(KeySecretLayout.MAX_KEYS_PER_SHARD);
                        assertThat(shard.annotationBytes()).isLessThan(256 * 1024);
                        assertThat(shard.unpairedIds()).isEmpty();
                    });
            assertThat(shards.stream().mapToInt(KeyShard::size).sum()).isEqualTo(2_000);
            assertThat(issued).extracting(IssuedKey::clientId).doesNotHaveDuplicates();
            assertThat(store.credentials().clientIds(model)).hasSize(2_000);
            assertThat(store.credentials().credentialSecretNames(model)).hasSize(shards.size());
        }
    }
}
