package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.keys.storage.KeyShard;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent mints against the real API server lose nothing, and no reader can ever observe a key without its
 * metadata (or metadata without its key): a watch checks every version of every shard Secret the server produces.
 */
@WithKubernetes(upstreamCrds = false)
class ConcurrentMintTest {

    static final ModelRef MODEL = new ModelRef("team-a", "llama");
    KeyStoreFixture store;
    final List<String> unpaired = new CopyOnWriteArrayList<>();
    final AtomicInteger versionsSeen = new AtomicInteger();
    io.fabric8.kubernetes.client.Watch watch;

    @BeforeEach
    void newStoreWatchedForUnpairedEntries(TestCluster cluster) {
        store = new KeyStoreFixture(cluster);
        watch = store.client.secrets().inNamespace(store.namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Secret secret) {
                versionsSeen.incrementAndGet();
                var problems = KeyShard.of(secret).unpairedIds();
                if (!problems.isEmpty()) {
                    unpaired.add(secret.getMetadata().getName() + "@" + secret.getMetadata().getResourceVersion() + ": " + problems);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    @AfterEach
    void close() {
        watch.close();
        store.close();
    }

    /** Runs {@code count} calls at once (all released by one latch) and returns their results. */
    static <T> List<T> atOnce(int count, Function<Integer, T> call) throws Exception {
        var start = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<T>>();
            for (int i = 0; i < count; i++) {
                var n = i;
                futures.add(threads.submit(() -> {
                    start.await();
                    return call.apply(n);
                }));
            }
            start.countDown();
            var results = new ArrayList<T>();
            for (var future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    private Map<String, String> storedKeyValues() {
        var stored = new HashMap<String, String>();
        for (var secret : store.client.secrets().inNamespace(store.namespace)
                .withLabel(KeySecretLayout.COMPONENT, KeySecretLayout.CREDENTIALS_COMPONENT).list().getItems()) {
            assertThat(KeyShard.of(secret).unpairedIds()).as("unpaired entries in %s", secret.getMetadata().getName()).isEmpty();
            secret.getData().forEach((id, value) -> assertThat(stored.put(id,
                    new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII))).as("duplicate id %s", id).isNull());
        }
        return stored;
    }

    @Test
    void twoHundredConcurrentMintsOnOneModelAreAllStoredWithTheirMetadata() throws Exception {
        var issued = atOnce(200, n -> store.keys.mint(request(user("user-" + n), MODEL)));

        assertThat(issued).extracting(IssuedKey::clientId).doesNotHaveDuplicates();
        assertThat(issued).extracting(k -> k.secret().reveal()).doesNotHaveDuplicates();
        var stored = storedKeyValues();
        assertThat(stored).hasSize(200);
        issued.forEach(k -> assertThat(stored).containsEntry(k.clientId().value(), k.secret().reveal()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(store.keys.list(KeyQuery.forModel(MODEL))).hasSize(200));
        assertThat(store.keys.list(KeyQuery.forModel(MODEL))).extracting(k -> k.owner().username())
                .doesNotHaveDuplicates();
        assertThat(versionsSeen).hasPositiveValue();
        assertThat(unpaired).isEmpty();
    }

    @Test
    void twoReplicasMintingAndRevokingAtOnceLoseNothing() throws Exception {
        try (var second = new KeyStoreFixture.Restarted(store)) {
            var replicas = List.of(store.keys, second.keys);

            var issued = atOnce(200, n -> replicas.get(n % 2).mint(request(user("user-" + n), MODEL)));
            var revoked = atOnce(50, n -> replicas.get(n % 2).revoke(issued.get(n * 4).clientId(), Actor.admin("root", "root")));

            assertThat(revoked).hasSize(50);
            var stored = storedKeyValues();
            assertThat(stored).hasSize(150);
            issued.stream().filter(k -> revoked.stream().noneMatch(r -> r.clientId().equals(k.clientId())))
                    .forEach(k -> assertThat(stored).containsEntry(k.clientId().value(), k.secret().reveal()));
            assertThat(issued).extracting(IssuedKey::clientId).doesNotHaveDuplicates();
            assertThat(unpaired).isEmpty();
        }
    }

    @Test
    void theKeyCapHoldsWhenTwoReplicasMintForOneOwnerAtOnce() throws Exception {
        // two shards with room (300 keys of others: shard 0 full, shard 1 half; then 50 gone from shard 0), so each
        // replica could put the owner's keys in another shard, out of sight of the other's cap check
        var others = atOnce(300, n -> store.keys.mint(request(user("other-" + n), MODEL)));
        var firstShard = store.client.secrets().inNamespace(store.namespace)
                .withName(KeySecretLayout.shardName(MODEL, 0)).get().getData().keySet();
        others.stream().filter(k -> firstShard.contains(k.clientId().value())).limit(50)
                .forEach(k -> store.keys.revoke(k.clientId(), Actor.admin("root", "root")));
        try (var first = new KeyStoreFixture.Restarted(store); var second = new KeyStoreFixture.Restarted(store)) {
            var cap = KeyStoreFixture.DEFAULT_RULES.maxPerUserPerModel();

            var outcomes = atOnce(4 * cap, n -> {
                try {
                    return (n % 2 == 0 ? first : second).keys.mint(request(user("greedy"), MODEL)).clientId().value();
                } catch (KeyException.KeyLimitReached refused) {
                    return "refused";
                }
            });

            var granted = outcomes.stream().filter(o -> !o.equals("refused")).toList();
            var stored = store.client.secrets().inNamespace(store.namespace)
                    .withLabel(KeySecretLayout.COMPONENT, KeySecretLayout.CREDENTIALS_COMPONENT).list().getItems().stream()
                    .map(KeyShard::of).flatMap(shard -> shard.keys().stream())
                    .filter(k -> k.owner().username().equals("greedy")).map(k -> k.clientId().value()).toList();
            assertThat(stored).as("keys of the one owner in the key Secrets").hasSizeLessThanOrEqualTo(cap)
                    .containsExactlyInAnyOrderElementsOf(granted);
            assertThat(granted).as("mints succeed up to the cap, not none").isNotEmpty();
            assertThat(unpaired).isEmpty();
        }
    }
}
