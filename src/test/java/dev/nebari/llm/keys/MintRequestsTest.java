package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What a mint costs the API server in key-Secret requests. The cap re-check after each write round once listed the
 * keys namespace by label, which the API server answers by filtering every Secret in it: at 3,000 models that is
 * thousands of Secrets per mint. It reads the model's other shards by name instead.
 */
@WithKubernetes(upstreamCrds = false)
class MintRequestsTest {

    static final ModelRef MODEL = new ModelRef("team-a", "llama");

    @Test
    void aMintOnAModelWithOneShardWritesItAndReadsOnlyTheNextShardsName(TestCluster cluster) {
        var requests = new KubernetesRequestCounter();
        try (var store = new KeyStoreFixture(cluster, requests)) {
            store.keys.mint(request(user("ada"), MODEL));
            var before = requests.byVerbAndResource();

            store.keys.mint(request(user("bob"), MODEL));

            assertThat(secretRequestsSince(before, requests)).as("key Secret requests of the second mint")
                    .containsExactlyInAnyOrderEntriesOf(Map.of("PUT secrets", 1L, "GET secrets", 1L));
            assertThat(store.client.secrets().inNamespace(store.namespace).withName(KeySecretLayout.shardName(MODEL, 1)).get())
                    .as("the name read back: the next shard, which does not exist").isNull();
            assertThat(store.credentials().clientIds(MODEL)).hasSize(2);
        }
    }

    private static Map<String, Long> secretRequestsSince(Map<String, Long> before, KubernetesRequestCounter requests) {
        var sent = new TreeMap<String, Long>();
        requests.byVerbAndResource().forEach((request, count) -> {
            var more = count - before.getOrDefault(request, 0L);
            if (more > 0 && request.endsWith(" secrets")) {
                sent.put(request, more);
            }
        });
        return sent;
    }
}
