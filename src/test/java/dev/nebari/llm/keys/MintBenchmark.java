package dev.nebari.llm.keys;

import dev.nebari.llm.testing.Percentiles;
import dev.nebari.llm.keys.storage.AuditLogStore;
import dev.nebari.llm.keys.storage.ClientIdAllocator;
import dev.nebari.llm.keys.storage.KeyShardCache;
import dev.nebari.llm.keys.storage.KeyShardWriter;
import dev.nebari.llm.localcluster.EmbeddedControlPlane;
import dev.nebari.llm.localcluster.KubernetesBinaries;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.platform.ModelEventRecorder;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * docs/quality-bars.md: 200 concurrent mints on one model against a real API server, 0 lost, p99 ≤ 100 ms warm.
 * Starts its own embedded control plane, wires the keys module as the portal does (audit Events included), and
 * runs the burst several times on fresh models; run it with {@code bench/keys/run.sh}.
 *
 * <p>Arguments: {@code [concurrency=200] [rounds=5]}.
 */
public final class MintBenchmark {

    public static void main(String[] args) throws Exception {
        var concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        var rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        var rules = new PackSettings.Keys(Duration.ofDays(90), Duration.ofDays(365), false, 5, Duration.ofSeconds(60), 30);
        try (var controlPlane = EmbeddedControlPlane.start(KubernetesBinaries.locateOrBuild());
                var client = controlPlane.newClient()) {
            var namespace = "llm-api-keys";
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
            var models = "bench-models";
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(models).endMetadata().build()).create();
            var cache = new KeyShardCache(client, namespace, model -> { });
            cache.start();
            cache.awaitSynced(Duration.ofSeconds(30));
            var clock = Clock.systemUTC();
            try (var writer = new KeyShardWriter(client, cache, new ClientIdAllocator(client, namespace, clock,
                    new SecureRandom(), KeysConfiguration.CLIENT_ID_BLOCK));
                    var recorder = new ModelEventRecorder(client, KeysConfiguration.EVENT_COMPONENT, "bench", clock);
                    var auditStore = new AuditLogStore(client, namespace, clock)) {
                auditStore.start();
                var keys = new ApiKeys(cache, writer, new KeyAuditTrail(auditStore, recorder, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), rules, clock,
                        new SecureRandom());
                // The portal runs for days: measure it with the JIT warm, as the server it is.
                for (int i = 1; i <= 3; i++) {
                    System.out.printf("warm-up %d: %s%n", i, burst(keys, new ModelRef(models, "warm-up-" + i), concurrency).summary());
                }
                recorder.flush(Duration.ofSeconds(30));
                for (int round = 1; round <= rounds; round++) {
                    var model = new ModelRef(models, "model-" + round);
                    var result = burst(keys, model, concurrency);
                    var stored = new KeyCredentials(cache).clientIds(model).size();
                    System.out.printf("round %d: %s, stored %d, lost %d%n", round, result.summary(), stored,
                            result.minted() - stored);
                    recorder.flush(Duration.ofSeconds(30));
                }
            }
            cache.close();
        }
    }

    record Result(int minted, long[] latenciesNanos, long wallNanos) {
        String summary() {
            var sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return String.format("%d mints in %.0f ms: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %.0f mints/s",
                    minted, wallNanos / 1e6, Percentiles.of(sorted, 50) / 1e6, Percentiles.of(sorted, 99) / 1e6,
                    sorted[sorted.length - 1] / 1e6, minted / (wallNanos / 1e9));
        }
    }

    static Result burst(ApiKeys keys, ModelRef model, int concurrency) throws Exception {
        var access = new AccessSpec(false, List.of("ml"));
        var start = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<Long>>();
            for (int i = 0; i < concurrency; i++) {
                var owner = new KeyOwner("sub-" + model.name() + "-" + i, "user" + i);
                futures.add(threads.submit(() -> {
                    start.await();
                    var began = System.nanoTime();
                    keys.mint(new MintRequest(owner, Set.of("ml"), model, access, "bench", Optional.empty()));
                    return System.nanoTime() - began;
                }));
            }
            var began = System.nanoTime();
            start.countDown();
            var latencies = new long[concurrency];
            for (int i = 0; i < concurrency; i++) {
                latencies[i] = futures.get(i).get();
            }
            return new Result(concurrency, latencies, System.nanoTime() - began);
        }
    }
}
