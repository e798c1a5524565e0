package dev.nebari.llm.keys.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared audit history on the real API server: entries go into chunks of a bounded size, the newest chunks are
 * kept and the oldest deleted, and what is kept is exactly the newest entries.
 */
@WithKubernetes(upstreamCrds = false)
class AuditLogStoreTest {

    @Test
    void chunksHoldABoundedNumberOfEntriesAndOnlyTheNewestChunksAreKept(TestCluster cluster) {
        var namespace = cluster.newNamespace("audit-chunks");
        var appended = new ArrayList<AuditLogStore.Entry>();
        try (var store = new AuditLogStore(cluster.client(), namespace, Clock.systemUTC(), 5, 3)) {
            store.start();
            for (var i = 0; i < 23; i++) {
                var entry = new AuditLogStore.Entry(store.newKey(1_000 + i), "{\"n\":" + i + "}");
                appended.add(entry);
                store.append(entry);
                // one entry at a time, each stored and seen before the next, so the chunks fill as they would slowly
                await().atMost(Duration.ofSeconds(20)).until(() -> store.newest(1).equals(List.of(entry)));
            }

            var chunks = cluster.client().configMaps().inNamespace(namespace)
                    .withLabel(KeySecretLayout.COMPONENT, AuditLogStore.COMPONENT_VALUE).list().getItems().stream()
                    .sorted(Comparator.comparing(chunk -> chunk.getMetadata().getName())).toList();
            // 23 entries make chunks of 5, 5, 5, 5 and 3; the three newest are kept
            assertThat(chunks).extracting(chunk -> chunk.getData().size()).containsExactly(5, 5, 3);
            var kept = appended.subList(23 - 13, 23).reversed();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(store.newest(100)).isEqualTo(kept));
        }
    }
}
