package dev.nebari.llm.reconciliation;

import dev.nebari.llm.identity.OidcDiscovery;
import dev.nebari.llm.manifests.ModelManifestRenderer;
import dev.nebari.llm.manifests.RenderContext;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.embedded.CrdInstaller;
import dev.nebari.llm.platform.embedded.EmbeddedControlPlane;
import dev.nebari.llm.platform.embedded.KubernetesBinaries;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * bench/reconcile: N LLMModels applied at once against a real API server (PRODUCT.md section 9: 300 models fully
 * applied in ≤ 60 s on 2 cores; a resync of unchanged models performs 0 writes). "Fully applied" means every
 * object the renderer wants exists and the status describes the current generation.
 *
 * <p>Peer, measured in the same run on a second namespace: a plain client that server-side-applies exactly the
 * same rendered objects with the same concurrency and writes nothing else (no informers, no comparison, no
 * status). The ratio shows what the reconciler's bookkeeping costs on top of the API server's own work.
 */
public final class ReconcileBenchmark {

    public static void main(String[] args) throws Exception {
        var models = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        var workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        var crds = Path.of(System.getProperty("nebari.thirdPartyCrds", "../shared/crds"));
        try (var plane = EmbeddedControlPlane.start(KubernetesBinaries.locateOrBuild())) {
            var requests = new KubernetesRequestCounter();
            try (var client = new KubernetesClientBuilder()
                    .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(plane.clientConfig()).withMaxConcurrentRequests(128).build())
                    .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(KubernetesRequestCounter.NAME, requests))
                    .build()) {
                var installer = new CrdInstaller(client);
                installer.installOwn();
                if (Files.isDirectory(crds)) {
                    installer.installTestedSet(crds);
                } else {
                    System.out.println("warning: " + crds + " missing; gateway objects are skipped as CRDNotInstalled");
                }
                var settings = ModelFixtures.settings();
                namespace(client, "bench-models", true);
                namespace(client, "bench-peer", true);
                namespace(client, settings.apiKeysNamespace(), false);

                var peerSeconds = peer(client, settings, models, workers);

                var meters = new SimpleMeterRegistry();
                var access = new AccessInputsSource(settings, new OidcDiscovery(HttpClient.newHttpClient(), Clock.systemUTC()), null);
                var aggregator = new StatusAggregator(settings, Clock.systemUTC());
                var events = new ModelEvents(client, "bench", Clock.systemUTC());
                DownloadProgress downloads = pod -> java.util.Optional.empty();
                try (var controller = new ModelController(client,
                        new ReconcilerSettings(workers, Duration.ofHours(1), Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(30)),
                        view -> new ModelReconciler(client, view, settings, access, aggregator, events, downloads), meters, true, settings.apiKeysNamespace())) {
                    controller.start();
                    var started = System.nanoTime();
                    create(client, "bench-models", models);
                    awaitFullyApplied(client, settings, "bench-models", models);
                    var seconds = (System.nanoTime() - started) / 1e9;

                    awaitQuiet(meters);
                    var writesBefore = requests.writes();
                    var reconcilesBefore = reconciles(meters);
                    controller.resyncAll();
                    while (reconciles(meters) < reconcilesBefore + models) {
                        Thread.sleep(100);
                    }
                    awaitQuiet(meters);
                    var resyncWrites = requests.writes() - writesBefore;
                    System.gc();
                    var rssMiB = rssMiB();

                    System.out.printf("models: %d, workers: %d%n", models, workers);
                    System.out.printf("reconciler: all models fully applied in %.1f s (target <= 60 s)%n", seconds);
                    System.out.printf("peer (plain server-side apply of the same objects): %.1f s%n", peerSeconds);
                    System.out.printf("ratio reconciler / peer: %.2f%n", seconds / peerSeconds);
                    System.out.printf("writes during a resync of %d unchanged models: %d (target 0)%n", models, resyncWrites);
                    System.out.printf("operator JVM RSS after reconciling: %d MiB (heap used %d MiB)%n", rssMiB,
                            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
                }
            }
        }
    }

    private static void namespace(KubernetesClient client, String name, boolean managed) {
        var ns = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
        if (managed) {
            ns.getMetadata().setLabels(java.util.Map.of("nebari.dev/managed", "true"));
        }
        client.namespaces().resource(ns).serverSideApply();
    }

    static LLMModel model(String namespace, int i) {
        return ModelFixtures.model(namespace, "model-" + i, "org/model-" + i,
                "resources: {gpu: {count: 1}}\naccess: {groups: [llm-users]}\nlimits: {requestsPerMinute: 60}");
    }

    private static void create(KubernetesClient client, String namespace, int models) throws Exception {
        try (var pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < models; i++) {
                var model = model(namespace, i);
                pool.submit(() -> client.resource(model).create());
            }
        }
    }

    private static double peer(KubernetesClient client, PackSettings settings, int models, int workers) throws Exception {
        var started = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(workers)) {
            for (int i = 0; i < models; i++) {
                var model = client.resource(model("bench-peer", i)).create();
                var manifests = ModelManifestRenderer.render(model, new RenderContext(settings,
                        new AccessInputsSource(settings, new OidcDiscovery(HttpClient.newHttpClient(), Clock.systemUTC()), null).forModel(model)));
                pool.submit(() -> manifests.all().forEach(o ->
                        client.resource(o).fieldManager("peer").forceConflicts().serverSideApply()));
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static void awaitFullyApplied(KubernetesClient client, PackSettings settings, String namespace, int models)
            throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            var all = client.resources(LLMModel.class).inNamespace(namespace).list().getItems();
            var done = all.stream().filter(m -> m.getStatus() != null && m.getStatus().observedGeneration() != null
                    && m.getStatus().observedGeneration().equals(m.getMetadata().getGeneration())).count();
            if (done == models && childrenComplete(client, settings, all)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("models not fully applied within 5 minutes");
    }

    private static boolean childrenComplete(KubernetesClient client, PackSettings settings, List<LLMModel> models) {
        var expected = models.stream().mapToLong(m -> ModelManifestRenderer.render(m, new RenderContext(settings,
                dev.nebari.llm.gateway.AccessInputs.NONE)).all().size()).sum();
        long present = 0;
        for (var kind : ChildKind.values()) {
            present += client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inAnyNamespace()
                    .withLabel(ModelObjects.MANAGED_BY, ModelObjects.PACK).list().getItems().stream()
                    .filter(o -> "bench-models".equals(o.getMetadata().getNamespace())
                            || "bench-models".equals(o.getMetadata().getLabels().get(ModelObjects.MODEL_NAMESPACE)))
                    .count();
        }
        return present >= expected;
    }

    private static long reconciles(SimpleMeterRegistry meters) {
        return meters.find("nebari.reconcile").timers().stream().mapToLong(t -> t.count()).sum();
    }

    private static void awaitQuiet(SimpleMeterRegistry meters) throws InterruptedException {
        var last = -1L;
        while (true) {
            var now = reconciles(meters);
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(1500);
        }
    }

    private static long rssMiB() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                .findFirst().orElse(-1L);
    }
}
