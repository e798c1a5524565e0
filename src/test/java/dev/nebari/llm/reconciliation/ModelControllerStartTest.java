package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.Phase;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The controller holds its lock while it starts, and its caches list everything then (tens of seconds at 3,000
 * models): a metrics scrape during that time must still be answered (bench/scale saw it time out after a restart),
 * and the key cache, which reports key changes, must not wait either.
 */
class ModelControllerStartTest {

    @Test
    void itsGaugesAndKeyChangesDoNotWaitWhileTheControllerHoldsItsLock() throws Exception {
        var meters = new SimpleMeterRegistry();
        var settings = new ReconcilerSettings(8, Duration.ofMinutes(10), Duration.ofMillis(500), Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5));
        try (var client = new KubernetesClientBuilder().build()) {
            var controller = new ModelController(client, settings, view -> null, meters, "llm-api-keys");
            synchronized (controller) {
                var depth = CompletableFuture.supplyAsync(() -> meters.get("nebari.reconcile.queue.depth").gauge().value());
                var ready = CompletableFuture.supplyAsync(() -> meters.get("nebari.models")
                        .tag("phase", Phase.values()[0].name()).gauge().value());

                var keysChanged = CompletableFuture.runAsync(() -> controller.onKeysChanged(
                        new dev.nebari.llm.keys.events.KeysChanged("team-a", "llama")));

                assertThat(depth.get(5, TimeUnit.SECONDS)).as("models waiting, before the start has finished").isZero();
                assertThat(ready.get(5, TimeUnit.SECONDS)).isZero();
                keysChanged.get(5, TimeUnit.SECONDS);
            }
        }
    }
}
