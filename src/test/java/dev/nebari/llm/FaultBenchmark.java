package dev.nebari.llm;

import dev.nebari.llm.localcluster.EmbeddedControlPlane;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.reconciliation.ReconcileBenchmark;
import dev.nebari.llm.testing.FreePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * bench/faults: the whole application, as the chart installs it by default but with two operator replicas, when
 * parts fail while N models (default 1,000) converge, against a real kube-apiserver + etcd:
 * <ol>
 *   <li>the API server and etcd are killed (SIGKILL) when half the new models are applied, and started again 10 s
 *       later on the same data; printed: the time from the restart until every model is fully applied, and the
 *       operators' writes during the whole phase against the objects there are to write;</li>
 *   <li>N keys are minted through the portal (one per model);</li>
 *   <li>every model's rate limit is changed, and the leading operator is killed (SIGKILL, no Lease release) when
 *       half the models have converged; printed: when the standby took the Lease, when every model had converged,
 *       and the standby's writes against the objects left to change;</li>
 *   <li>after each fault the keys the key Secrets hold are counted: none may be lost.</li>
 * </ol>
 * The application runs as the image runs it (extracted, AOT cache; {@code BENCH_LAYOUT=jar}: the jar). Arguments:
 * {@code [models=1000]}. {@code BENCH_JAR} another jar.
 */
public final class FaultBenchmark {

    static final Duration DOWN = Duration.ofSeconds(10);
    static final String LEASE = "nebari-llm-serving-operator";

    public static void main(String[] args) throws Exception {
        var models = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        var layout = BenchApplication.imageLayout();
        var settings = ModelFixtures.settings();
        var limit = Duration.ofSeconds(Math.max(600, models));
        System.out.println("load average at the start: " + ReconcileBenchmark.loadAverage());
        try (var cluster = BenchCluster.start().withWebhook()) {
            var client = cluster.client;
            var plane = cluster.plane;
            var issuer = cluster.issuer;
            var operators = new ArrayList<BenchApplication>();
            try (var portal = layout.start("portal", ScaleBenchmark.PORTAL_JVM, cluster.arguments("portal", 0))) {
                for (var name : List.of("operator-a", "operator-b")) {
                    // the webhook is registered at one loopback port: the first replica serves it (in a cluster,
                    // a Service in front of every replica)
                    var operatorArgs = new ArrayList<>(cluster.arguments("operator", operators.isEmpty() ? cluster.webhookPort : FreePort.any()));
                    operatorArgs.add("--leader-election.identity=" + name);
                    operators.add(layout.start(name, ScaleBenchmark.OPERATOR_JVM, operatorArgs));
                }
                try {
                    portal.awaitReady();
                    for (var operator : operators) {
                        operator.awaitReady();
                    }
                    MemoryBenchmark.awaitAdmission(client);
                    System.out.println("leader: " + leader(client));

                    apiServerCrash(plane, client, settings, operators, models, limit);

                    var mints = MemoryBenchmark.mint(issuer, portal.webPort, models, models, Math.max(MemoryBenchmark.USERS, models / 3));
                    var minted = models - mints.failures();
                    System.out.printf("%d keys minted (%d failed), %d stored%n", minted, mints.failures(), MemoryBenchmark.storedKeys(client));

                    leaderCrash(client, settings, operators, models, limit);
                    var stored = MemoryBenchmark.storedKeys(client);
                    System.out.printf("keys stored after both faults: %d of %d minted: %s%n", stored, minted,
                            stored == minted ? "none lost" : "LOST " + (minted - stored));
                    System.out.printf("load average at the end: %s%n", ReconcileBenchmark.loadAverage());
                } finally {
                    for (var operator : operators) {
                        operator.close();
                    }
                }
            }
        }
    }

    /** Phase 1: the control plane dies while half the models are applied, and comes back on its data. */
    static void apiServerCrash(EmbeddedControlPlane plane, KubernetesClient client, dev.nebari.llm.platform.PackSettings settings,
            List<BenchApplication> operators, int models, Duration limit) throws Exception {
        var before = writes(operators);
        var watched = client.resources(LLMModel.class).inNamespace(MemoryBenchmark.MODELS_NAMESPACE).inform();
        var started = System.nanoTime();
        try (var creating = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < models; i++) {
                var model = ReconcileBenchmark.model(MemoryBenchmark.MODELS_NAMESPACE, i);
                creating.submit(() -> createRetrying(client, model));
            }
            awaitConverged(watched, models / 2, m -> true, limit);
            var killedAt = System.nanoTime();
            plane.killApiServer();
            System.out.printf("API server and etcd killed %.1f s after the first create, with %d of %d models applied%n",
                    (killedAt - started) / 1e9, converged(watched, m -> true), models);
            Thread.sleep(DOWN.toMillis());
            plane.restartApiServer();
            var restarted = System.nanoTime();
            System.out.printf("API server back after %.1f s%n", (restarted - killedAt) / 1e9);
            ReconcileBenchmark.awaitFullyApplied(client, settings, watched, MemoryBenchmark.MODELS_NAMESPACE, models, limit);
            System.out.printf("all %d models fully applied %.1f s after the restart (%.1f s after the first create)%n",
                    models, (System.nanoTime() - restarted) / 1e9, (System.nanoTime() - started) / 1e9);
        } finally {
            watched.close();
        }
        var objects = ReconcileBenchmark.objectsOf(client, settings, MemoryBenchmark.MODELS_NAMESPACE);
        var written = writes(operators) - before;
        System.out.printf("operators' object writes in the phase: %d for %d objects (%.2f per object; 1.00 without the crash)%n",
                written, objects, written / (double) objects);
    }

    /** Phase 3: every model changes, and the leader dies while half of them have converged. */
    static void leaderCrash(KubernetesClient client, dev.nebari.llm.platform.PackSettings settings, List<BenchApplication> operators,
            int models, Duration limit) throws Exception {
        var watched = client.resources(LLMModel.class).inNamespace(MemoryBenchmark.MODELS_NAMESPACE).inform();
        try {
            var generations = new java.util.concurrent.ConcurrentHashMap<String, Long>();
            var started = System.nanoTime();
            try (var patching = Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < models; i++) {
                    var name = "model-" + i;
                    patching.submit(() -> {
                        var patched = client.resources(LLMModel.class).inNamespace(MemoryBenchmark.MODELS_NAMESPACE).withName(name)
                                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                                        "{\"spec\": {\"limits\": {\"requestsPerMinute\": 120}}}");
                        generations.put(name, patched.getMetadata().getGeneration());
                    });
                }
            }
            java.util.function.Predicate<LLMModel> changed = m -> m.getStatus() != null
                    && m.getStatus().observedGeneration() != null
                    && m.getStatus().observedGeneration() >= generations.getOrDefault(m.getMetadata().getName(), Long.MAX_VALUE);
            awaitConverged(watched, models / 2, changed, limit);
            var leaderName = leader(client);
            var leader = operators.stream().filter(o -> o.name.equals(leaderName)).findFirst().orElseThrow();
            var standby = operators.stream().filter(o -> o != leader).findFirst().orElseThrow();
            var left = models - converged(watched, changed);
            var standbyBefore = writes(List.of(standby));
            leader.process.destroyForcibly();
            var killedAt = System.nanoTime();
            System.out.printf("leader %s killed %.1f s after the change, with %d of %d models left to converge%n",
                    leaderName, (killedAt - started) / 1e9, left, models);
            while (!standby.name.equals(leader(client))) {
                Thread.sleep(100);
            }
            System.out.printf("%s took the Lease %.1f s after the kill%n", standby.name, (System.nanoTime() - killedAt) / 1e9);
            awaitConverged(watched, models, changed, limit);
            ReconcileBenchmark.awaitFullyApplied(client, settings, watched, MemoryBenchmark.MODELS_NAMESPACE, models, limit);
            System.out.printf("all %d models converged %.1f s after the kill%n", models, (System.nanoTime() - killedAt) / 1e9);
            Thread.sleep(5_000);
            var standbyWrites = writes(List.of(standby)) - standbyBefore;
            System.out.printf("%s's object writes after taking over: %d for %d models left (one BackendTrafficPolicy each: %.2f per model left)%n",
                    standby.name, standbyWrites, left, standbyWrites / (double) Math.max(1, left));
        } finally {
            watched.close();
        }
    }

    /** Creates the model, again while the API server is away; a model created before a crash is not created twice. */
    static Void createRetrying(KubernetesClient client, LLMModel model) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            try {
                client.resource(model).create();
                return null;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    static long converged(SharedIndexInformer<LLMModel> watched, java.util.function.Predicate<LLMModel> done) {
        return watched.getStore().list().stream().filter(m -> m.getStatus() != null && m.getStatus().observedGeneration() != null
                && m.getStatus().observedGeneration().equals(m.getMetadata().getGeneration())).filter(done).count();
    }

    static void awaitConverged(SharedIndexInformer<LLMModel> watched, int count, java.util.function.Predicate<LLMModel> done,
            Duration limit) throws InterruptedException {
        var deadline = System.nanoTime() + limit.toNanos();
        while (converged(watched, done) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(count + " models did not converge within " + limit);
            }
            Thread.sleep(100);
        }
    }

    /** The operators' writes to the models' objects so far (not the models' status, Events or Leases). */
    static long writes(List<BenchApplication> operators) throws Exception {
        long writes = 0;
        for (var operator : operators) {
            if (operator.process.isAlive()) {
                writes += (long) ScaleBenchmark.writes(ScaleBenchmark.requests(operator), operator.name, ScaleBenchmark.NOT_OBJECTS);
            }
        }
        return writes;
    }

    static String leader(KubernetesClient client) {
        var lease = client.leases().inNamespace(MemoryBenchmark.RELEASE_NAMESPACE).withName(LEASE).get();
        return lease == null || lease.getSpec() == null ? "" : String.valueOf(lease.getSpec().getHolderIdentity());
    }
}
