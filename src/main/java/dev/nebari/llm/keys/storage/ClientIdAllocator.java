package dev.nebari.llm.keys.storage;

import dev.nebari.llm.keys.ClientId;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * Hands out client ids that are unique across replicas and never reissued, even after the key is revoked.
 *
 * <p>A ConfigMap in the keys namespace holds the high-water mark of a 55-bit counter. A replica reserves a block
 * of ids with one compare-and-swap on it (resourceVersion; retried on 409), so ids cost one write per block rather
 * than per key. The counter never starts below {@code now in ms × 1024}: ids are time-ordered, and if the ConfigMap
 * were ever deleted the next block would still lie above every id handed out before (unless more than 1,024 ids
 * per millisecond had been reserved on average, or the clock went back). Four random characters follow the
 * counter as a last line of defence against such a reset. Ids of unused block remainders are simply skipped.
 */
public final class ClientIdAllocator {

    static final int COUNTER_CHARS = 11;
    static final int RANDOM_CHARS = 4;
    static final long IDS_PER_MILLISECOND = 1024;
    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final int MAX_ATTEMPTS = 50;

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private final SecureRandom random;
    private final int blockSize;
    private long next;
    private long end;

    public ClientIdAllocator(KubernetesClient client, String namespace, Clock clock, SecureRandom random, int blockSize) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
        this.random = random;
        this.blockSize = blockSize;
    }

    public synchronized ClientId next() {
        if (next >= end) {
            next = reserveBlock();
            end = next + blockSize;
        }
        return format(next++, random);
    }

    /**
     * {@code k} + the counter as 11 base32hex characters (so string order is numeric order) + 4 random ones. Public
     * for bench/scale's mint peer, which writes key shards as the product lays them out.
     */
    public static ClientId format(long counter, SecureRandom random) {
        var chars = new char[1 + COUNTER_CHARS + RANDOM_CHARS];
        chars[0] = 'k';
        for (int i = COUNTER_CHARS; i >= 1; i--) {
            chars[i] = BASE32HEX[(int) (counter & 31)];
            counter >>>= 5;
        }
        for (int i = 0; i < RANDOM_CHARS; i++) {
            chars[1 + COUNTER_CHARS + i] = BASE32HEX[random.nextInt(32)];
        }
        return new ClientId(new String(chars));
    }

    private long reserveBlock() {
        var configMaps = client.configMaps().inNamespace(namespace);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            var floor = clock.millis() * IDS_PER_MILLISECOND;
            try {
                var current = configMaps.withName(KeySecretLayout.ALLOCATOR_NAME).get();
                if (current == null) {
                    configMaps.resource(allocator(floor + blockSize)).create();
                    return floor;
                }
                var data = current.getData();
                var stored = data == null ? 0L : Long.parseLong(data.getOrDefault(KeySecretLayout.ALLOCATOR_NEXT, "0"));
                var start = Math.max(stored, floor);
                current.setData(Map.of(KeySecretLayout.ALLOCATOR_NEXT, Long.toString(start + blockSize)));
                configMaps.resource(current).update(); // carries resourceVersion: 409 if another replica won
                return start;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
            }
        }
        throw new IllegalStateException("could not reserve client ids after " + MAX_ATTEMPTS + " conflicting attempts");
    }

    private ConfigMap allocator(long next) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(KeySecretLayout.ALLOCATOR_NAME)
                .withNamespace(namespace)
                .addToLabels(KeySecretLayout.MANAGED_BY, KeySecretLayout.PACK)
                .addToLabels(KeySecretLayout.PART_OF, KeySecretLayout.PACK)
                .addToLabels(KeySecretLayout.COMPONENT, KeySecretLayout.ALLOCATOR_COMPONENT)
                .endMetadata()
                .withData(Map.of(KeySecretLayout.ALLOCATOR_NEXT, Long.toString(next)))
                .build();
    }
}
