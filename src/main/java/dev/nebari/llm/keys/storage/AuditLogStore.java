package dev.nebari.llm.keys.storage;

import dev.nebari.llm.platform.LeanItemStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared, durable part of the key audit: recent audit entries stored in ConfigMaps in the keys namespace, so every
 * replica shows the same history and a restart loses none of it. Each replica appends only to chunks it created (no
 * two writers share a ConfigMap, so writes never conflict), {@value #ENTRIES_PER_CHUNK} entries to a chunk, and every
 * replica reads all chunks through one informer. The newest {@value #CHUNKS_KEPT} chunks are kept; the complete trail
 * is the JSON audit line each operation also writes to the log.
 *
 * <p>Chunks are small because every append sends the whole chunk: the update, the API server's answer and the watch
 * event each carry all its entries (and the API server tracks each entry's field in its managed fields). With 500
 * entries to a chunk, an append every nine or so keys minted moved the key's whole audit chunk through TLS, JSON
 * and etcd over and over; with {@value #ENTRIES_PER_CHUNK}, it moves a tenth of that, for one create and one delete
 * more per {@value #ENTRIES_PER_CHUNK} entries. The entries kept ({@value #ENTRIES_PER_CHUNK} × {@value #CHUNKS_KEPT})
 * are as many as before.
 *
 * <p>Appending is asynchronous, in batches (a mint never waits for its audit entry): what is queued but not yet
 * written is retried with backoff, and the writer drains the queue before the process stops.
 */
public final class AuditLogStore implements AutoCloseable {

    public static final String COMPONENT_VALUE = "key-audit";
    static final String PREFIX = "llm-key-audit-";
    static final int ENTRIES_PER_CHUNK = 50;
    static final int CHUNKS_KEPT = 200;
    private static final int QUEUE_LIMIT = 10_000;
    private static final Logger log = LoggerFactory.getLogger(AuditLogStore.class);

    /**
     * One entry: its key sorts by time, then by the order this replica wrote it
     * ({@code <epoch millis>-<replica>-<sequence>}); its value is the JSON audit line.
     */
    public record Entry(String key, String json) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private final int entriesPerChunk;
    private final int chunksKept;
    private final SecureRandom random = new SecureRandom();
    private final String replica = "%08x".formatted(random.nextInt());
    private final AtomicLong sequence = new AtomicLong();
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private volatile @Nullable SharedIndexInformer<ConfigMap> informer;
    private volatile @Nullable Thread writer;
    private volatile boolean closing;
    /** The chunk this replica appends to; only the writer thread touches it. */
    private @Nullable ConfigMap chunk;

    public AuditLogStore(KubernetesClient client, String namespace, Clock clock) {
        this(client, namespace, clock, ENTRIES_PER_CHUNK, CHUNKS_KEPT);
    }

    AuditLogStore(KubernetesClient client, String namespace, Clock clock, int entriesPerChunk, int chunksKept) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
        this.entriesPerChunk = entriesPerChunk;
        this.chunksKept = chunksKept;
    }

    public synchronized void start() {
        if (informer != null) {
            return;
        }
        var started = client.configMaps().inNamespace(namespace)
                .withLabel(KeySecretLayout.COMPONENT, COMPONENT_VALUE).runnableInformer(0);
        started.itemStore(LeanItemStore.withoutManagedFields());
        started.start();
        informer = started;
        writer = Thread.ofVirtual().name("key-audit-writer").start(this::writeLoop);
    }

    /** A new entry key for an operation at {@code epochMillis}: sorts by time, unique across replicas. */
    public String newKey(long epochMillis) {
        return "%013d-%s-%010d".formatted(epochMillis, replica, sequence.incrementAndGet());
    }

    /** Queues an entry for writing; sheds the oldest queued entry (with a warning) beyond a bounded backlog. */
    public void append(Entry entry) {
        if (queue.size() >= QUEUE_LIMIT && queue.poll() != null) {
            log.warn("key audit: the API server has not taken entries for a while; dropping the oldest queued one "
                    + "(it is in the audit log line)");
        }
        queue.add(entry);
    }

    /** The newest stored entries of every replica, newest first, at most {@code limit}. */
    public List<Entry> newest(int limit) {
        var current = informer;
        if (current == null) {
            return List.of();
        }
        var all = new ArrayList<Entry>();
        for (var stored : current.getStore().list()) {
            var data = stored.getData();
            if (data != null) {
                data.forEach((key, json) -> all.add(new Entry(key, json)));
            }
        }
        all.sort(Comparator.comparing(Entry::key).reversed());
        return all.size() <= limit ? all : List.copyOf(all.subList(0, limit));
    }

    private void writeLoop() {
        var backoff = Duration.ofMillis(200);
        while (!closing || !queue.isEmpty()) {
            try {
                var first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                var batch = new ArrayList<Entry>();
                batch.add(first);
                queue.drainTo(batch, entriesPerChunk - 1);
                while (!write(batch)) {
                    if (closing) {
                        log.warn("key audit: {} entries not stored at shutdown (they are in the audit log lines)", batch.size());
                        return;
                    }
                    Thread.sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                            ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
                }
                backoff = Duration.ofMillis(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Appends the batch to this replica's chunk (a new one when full or gone); false to try again later. */
    private boolean write(List<Entry> batch) {
        try {
            var current = chunk;
            if (current == null || current.getData().size() + batch.size() > entriesPerChunk) {
                current = client.configMaps().inNamespace(namespace).resource(newChunk()).create();
                chunk = current;
                prune();
            }
            var data = new LinkedHashMap<>(current.getData());
            batch.forEach(entry -> data.put(entry.key(), entry.json()));
            var updated = new ConfigMapBuilder(current).withData(data).build();
            chunk = client.configMaps().inNamespace(namespace).resource(updated).update();
            return true;
        } catch (KubernetesClientException e) {
            // 404: pruned by another replica; 409: changed under us. Either way, start a fresh chunk.
            log.warn("key audit: storing {} entries failed with HTTP {}: {}; retrying", batch.size(), e.getCode(),
                    e.getMessage());
            chunk = null;
            return false;
        }
    }

    private ConfigMap newChunk() {
        return new ConfigMapBuilder().withNewMetadata()
                .withName(PREFIX + newKey(clock.millis()))
                .withNamespace(namespace)
                .withLabels(Map.of(KeySecretLayout.COMPONENT, COMPONENT_VALUE, KeySecretLayout.MANAGED_BY, KeySecretLayout.PACK))
                .endMetadata()
                .withData(new LinkedHashMap<>())
                .build();
    }

    /** Deletes the oldest chunks beyond the number kept (chunk names sort by creation time). */
    private void prune() {
        var current = informer;
        if (current == null) {
            return;
        }
        var names = new ArrayList<String>();
        current.getStore().list().forEach(c -> names.add(c.getMetadata().getName()));
        var own = chunk == null ? null : chunk.getMetadata().getName();
        if (own != null && !new HashSet<>(names).contains(own)) {
            names.add(own);
        }
        names.sort(Comparator.reverseOrder());
        for (var old : names.subList(Math.min(chunksKept, names.size()), names.size())) {
            try {
                client.configMaps().inNamespace(namespace).withName(old).delete();
            } catch (KubernetesClientException e) {
                log.debug("key audit: removing old chunk {} failed: {}", old, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        var running = writer;
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        var current = informer;
        if (current != null) {
            current.stop();
        }
    }
}
