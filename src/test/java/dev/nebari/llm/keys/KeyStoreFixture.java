package dev.nebari.llm.keys;

import dev.nebari.llm.keys.storage.AuditLogStore;
import dev.nebari.llm.keys.storage.ClientIdAllocator;
import dev.nebari.llm.keys.storage.KeyShardCache;
import dev.nebari.llm.keys.storage.KeyShardWriter;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.platform.ModelEventRecorder;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import dev.nebari.llm.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The keys module wired by hand against the shared test API server, in a fresh keys namespace: the same objects
 * {@link KeysConfiguration} creates, with a clock the test controls and the published events collected.
 */
final class KeyStoreFixture implements AutoCloseable {

    static final PackSettings.Keys DEFAULT_RULES =
            new PackSettings.Keys(Duration.ofDays(90), Duration.ofDays(365), false, 5, Duration.ofSeconds(60), 30);
    static final AccessSpec PUBLIC = new AccessSpec(true, List.of());

    final KubernetesClient client;
    private final boolean ownsClient;
    final String namespace;
    final MutableClock clock = new MutableClock(Instant.now());
    final List<Object> events = new CopyOnWriteArrayList<>();
    final KeyShardCache cache;
    final KeyShardWriter writer;
    final ModelEventRecorder recorder;
    final AuditLogStore auditStore;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final KeyAuditTrail audit;
    final ApiKeys keys;

    KeyStoreFixture(TestCluster cluster, PackSettings.Keys rules) {
        this(cluster, rules, false);
    }

    /** {@code kubernetesEvents}: also write audit Events (off by default: load tests would queue thousands). */
    KeyStoreFixture(TestCluster cluster, PackSettings.Keys rules, boolean kubernetesEvents) {
        this(cluster, rules, kubernetesEvents, cluster.client());
    }

    /** With a client of its own that counts the requests this store sends (closed with the store). */
    KeyStoreFixture(TestCluster cluster, KubernetesRequestCounter requests) {
        this(cluster, DEFAULT_RULES, false, requests.countedClient(cluster.client().getConfiguration()));
    }

    private KeyStoreFixture(TestCluster cluster, PackSettings.Keys rules, boolean kubernetesEvents, KubernetesClient client) {
        this.client = client;
        this.ownsClient = client != cluster.client();
        this.namespace = cluster.newNamespace("keys");
        this.cache = new KeyShardCache(client, namespace,
                model -> events.add(new dev.nebari.llm.keys.events.KeysChanged(model.namespace(), model.name())));
        cache.start();
        cache.awaitSynced(Duration.ofSeconds(30));
        this.writer = new KeyShardWriter(client, cache,
                new ClientIdAllocator(client, namespace, clock, new SecureRandom(), KeysConfiguration.CLIENT_ID_BLOCK));
        this.recorder = kubernetesEvents ? new ModelEventRecorder(client, KeysConfiguration.EVENT_COMPONENT, "test", clock) : ModelEventRecorder.disabled();
        this.auditStore = new AuditLogStore(client, namespace, clock);
        auditStore.start();
        this.audit = new KeyAuditTrail(auditStore, recorder, meters);
        this.keys = new ApiKeys(cache, writer, audit, rules, clock, new SecureRandom());
    }

    KeyStoreFixture(TestCluster cluster) {
        this(cluster, DEFAULT_RULES);
    }

    static KeyOwner user(String name) {
        return new KeyOwner("sub-" + name, name);
    }

    static MintRequest request(KeyOwner owner, ModelRef model) {
        return new MintRequest(owner, Set.of(), model, PUBLIC, "test key", Optional.empty());
    }

    static MintRequest request(KeyOwner owner, Set<String> groups, ModelRef model, AccessSpec access) {
        return new MintRequest(owner, groups, model, access, "test key", Optional.empty());
    }

    /** A second process on the same keys namespace (another replica, or this one after a restart). */
    static final class Restarted implements AutoCloseable {
        final ApiKeys keys;
        final AuditLogStore auditStore;
        final KeyAuditTrail audit;
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        private final KeyShardCache cache;
        private final KeyShardWriter writer;

        Restarted(KeyStoreFixture original) {
            this.cache = new KeyShardCache(original.client, original.namespace, model -> { });
            cache.start();
            cache.awaitSynced(Duration.ofSeconds(30));
            this.writer = new KeyShardWriter(original.client, cache, new ClientIdAllocator(original.client,
                    original.namespace, original.clock, new SecureRandom(), KeysConfiguration.CLIENT_ID_BLOCK));
            this.auditStore = new AuditLogStore(original.client, original.namespace, original.clock);
            auditStore.start();
            this.audit = new KeyAuditTrail(auditStore, ModelEventRecorder.disabled(), meters);
            this.keys = new ApiKeys(cache, writer, audit, DEFAULT_RULES, original.clock, new SecureRandom());
        }

        @Override
        public void close() {
            auditStore.close();
            writer.close();
            cache.close();
        }
    }

    KeyCredentials credentials() {
        return new KeyCredentials(cache);
    }

    @Override
    public void close() {
        auditStore.close();
        writer.close();
        recorder.close();
        cache.close();
        if (ownsClient) {
            client.close();
        }
    }
}
