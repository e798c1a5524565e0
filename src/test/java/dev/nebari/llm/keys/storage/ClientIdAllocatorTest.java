package dev.nebari.llm.keys.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** Client ids against the real API server: one counter write per block, disjoint blocks for two replicas. */
@WithKubernetes(upstreamCrds = false)
class ClientIdAllocatorTest {

    private static final int BLOCK = 8;

    @Test
    void aReservedBlockServesItsIdsWithOneWriteAndAnotherReplicaGetsTheNextBlock(TestCluster cluster) {
        var client = cluster.client();
        var namespace = cluster.newNamespace("client-ids");
        var portal = new ClientIdAllocator(client, namespace, Clock.systemUTC(), new SecureRandom(), BLOCK);

        var ids = new ArrayList<String>();
        ids.add(portal.next().value());
        var reserved = counter(cluster, namespace);
        for (int i = 1; i < BLOCK; i++) {
            ids.add(portal.next().value());
        }

        assertThat(counter(cluster, namespace)).as("no write while the reserved block lasts").isEqualTo(reserved);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        var other = new ClientIdAllocator(client, namespace, Clock.systemUTC(), new SecureRandom(), BLOCK).next().value();
        assertThat(other).as("another replica's block lies above").isGreaterThan(ids.getLast());
        assertThat(portal.next().value()).as("the first replica's next block lies above the other's").isGreaterThan(other);
    }

    private static String counter(TestCluster cluster, String namespace) {
        var allocator = cluster.client().configMaps().inNamespace(namespace).withName(KeySecretLayout.ALLOCATOR_NAME).get();
        return allocator.getMetadata().getResourceVersion() + " " + allocator.getData().get(KeySecretLayout.ALLOCATOR_NEXT);
    }
}
