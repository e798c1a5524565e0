package dev.nebari.llm;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.gateway.AccessPolicyRenderer;
import dev.nebari.llm.keys.ApiKeySecret;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.keys.storage.ClientIdAllocator;
import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.keys.storage.KeyShard;
import dev.nebari.llm.keys.storage.MetadataCodec;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.reconciliation.ReconcileBenchmark;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The mint phase's peer: the writes that storing a key and letting it through the gateway cannot do without, sent
 * by a plain client with nobody watching. Per key, in the order the benchmark mints (round-robin over the models, so
 * no two keys of one model are in flight together), {@code workers} at a time:
 * <ol>
 *   <li>the model's key shard Secret with the new key and its metadata annotation, as the product lays it out
 *       ({@link KeyShard}): created with the model's first key, then replaced with the version last written;</li>
 *   <li>a server-side apply of the model's external SecurityPolicy whose allow-list holds every client id so far
 *       ({@link AccessPolicyRenderer#externalPolicy}).</li>
 * </ol>
 * Left out, because the design could do without them: the client-id allocator, the audit log, Events, the cap
 * re-check's reads, the HTTP request with its token, and the watch events to the operator's and portal's caches.
 * So the application's mint time divided by this one is what the application adds to the floor of its design.
 */
final class MintPeer {

    private MintPeer() {
    }

    /** The whole run's time and each key's (its two writes, from the moment a worker took it). */
    record Result(double seconds, MemoryBenchmark.Mints latencies) {
    }

    /** Times {@code keys} key writes over the models in {@code namespace} (created by the apply peer). */
    static Result run(KubernetesClient client, PackSettings settings, String namespace, int keys, int workers)
            throws Exception {
        var models = client.resources(LLMModel.class).inNamespace(namespace).list().getItems().stream()
                .sorted(Comparator.comparing(m -> m.getMetadata().getName())).toList();
        var states = models.stream().map(ModelKeys::new).toList();
        var random = new SecureRandom();
        var latencies = new long[keys];
        var started = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(workers)) {
            var pending = new ArrayList<Future<?>>();
            for (int i = 0; i < keys; i++) {
                var state = states.get(i % states.size());
                var n = i;
                pending.add(pool.submit(() -> {
                    var began = System.nanoTime();
                    state.add(client, settings, ClientIdAllocator.format(n, random), ApiKeySecret.generate(random));
                    latencies[n] = System.nanoTime() - began;
                    return null;
                }));
            }
            for (var write : pending) {
                write.get();
            }
        }
        return new Result((System.nanoTime() - started) / 1e9, new MemoryBenchmark.Mints(0, latencies));
    }

    /** Removes the key shards {@link #run} wrote for the models in {@code namespace} (3,000 at 3,000 models). */
    static void remove(KubernetesClient client, PackSettings settings, String namespace) {
        try (var remover = ReconcileBenchmark.patientClient(client)) {
            remover.secrets().inNamespace(settings.apiKeysNamespace())
                    .withLabel(KeySecretLayout.MODEL_NAMESPACE_LABEL, namespace).delete();
        }
    }

    /** One model's shard and allow-list; a key at a time (the round-robin order never has two in flight). */
    private static final class ModelKeys {
        private final LLMModel model;
        private final ModelRef ref;
        private final List<String> clientIds = new ArrayList<>();
        private Optional<Secret> shard = Optional.empty();

        ModelKeys(LLMModel model) {
            this.model = model;
            this.ref = ModelRef.of(model);
        }

        synchronized void add(KubernetesClient client, PackSettings settings, ClientId clientId, ApiKeySecret secret) {
            var created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            var metadata = new KeyMetadata(new KeyOwner("subject-" + clientId.value(), "user-" + clientId.value()), ref,
                    "scale benchmark", created, Optional.of(created.plus(90, ChronoUnit.DAYS)), false,
                    List.of("bench-users"), secret.displayHint());
            var entry = new KeyShard.Entry(clientId, secret, metadata, MetadataCodec.encode(metadata));
            var keysNamespace = settings.apiKeysNamespace();
            var current = shard.orElseGet(() -> KeyShard.emptySecret(keysNamespace, ref, 0));
            var next = KeyShard.of(current).withChanges(List.of(entry), Set.of());
            var secrets = client.secrets().inNamespace(keysNamespace);
            shard = Optional.of(shard.isEmpty() ? secrets.resource(next).create() : secrets.resource(next).update());
            clientIds.add(clientId.value());
            var access = new AccessInputs(List.of(KeySecretLayout.shardName(ref, 0)), clientIds, null);
            client.resource(AccessPolicyRenderer.externalPolicy(model, settings, access))
                    .fieldManager("peer").forceConflicts().serverSideApply();
        }
    }
}
