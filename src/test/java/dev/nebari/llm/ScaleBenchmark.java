package dev.nebari.llm;

import dev.nebari.llm.manifests.ModelManifestRenderer;
import dev.nebari.llm.manifests.RenderContext;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.reconciliation.ReconcileBenchmark;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * bench/scale: how the whole application's cost grows with the number of models and keys, as the chart installs it
 * by default (operator and portal in Deployments of their own, the image's JVM options, each under its Deployment's
 * memory limit), against a real kube-apiserver + etcd with the tested upstream CRDs and the admission webhook
 * registered. For each size N (default 300, 1,000 and 3,000) on a fresh control plane:
 * <ol>
 *   <li>peer: plain server-side apply of the same N models' objects (what the reconciler renders), timed; then the
 *       mint peer over them ({@link MintPeer}: per key the shard Secret's write and the SecurityPolicy's apply);</li>
 *   <li>the operator and the portal start; N models are created and the time until every one is fully applied
 *       (its status describes its generation, all its objects exist) is taken;</li>
 *   <li>10 keys per model are minted through the REST API (16 at a time), timed, with p50/p99 per mint;</li>
 *   <li>the operator restarts (a full resync of everything it holds) and its writes until it is quiet are counted;</li>
 * </ol>
 * printing after each phase the requests each process sent per model (or key) by verb and resource, and the resident
 * memory and heap of each process once settled. At the end: one table with every size and the growth factors.
 *
 * <p>The application runs as the image runs it: extracted, with an AOT cache trained as the image build does
 * ({@code BENCH_LAYOUT=jar}: the jar itself; {@code extracted}: no AOT cache). Arguments: sizes, e.g.
 * {@code 300 1000 3000}. {@code BENCH_KEYS_PER_MODEL} (default 10); {@code BENCH_JAR} another jar;
 * {@code -Dbench.memoryDetails=true} (through {@code BENCH_JAVA_OPTS}) tracks both processes' native memory and
 * prints where their memory goes once settled ({@code -Dbench.heapDump=true}: and dumps their live objects).
 */
public final class ScaleBenchmark {

    /** {@code -Dbench.memoryDetails=true}: native memory tracking on, and its summary, threads and heap printed. */
    static final boolean DETAILS = Boolean.getBoolean("bench.memoryDetails");
    static final String TRACKING = DETAILS ? " -XX:NativeMemoryTracking=summary" : "";
    static final String OPERATOR_JVM = "@config/jvm.options -XX:MaxRAM=768m" + TRACKING;
    static final String PORTAL_JVM = "@config/jvm.options -XX:MaxRAM=512m" + TRACKING;
    static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE");
    /** Writes that are not to a model's objects: its finalizer and status, Events, the Lease. */
    static final Set<String> NOT_OBJECTS = Set.of("llmmodels", "llmmodels/status", "events", "leases");

    record Result(int models, int keys, double peerSeconds, double appliedSeconds, MintPeer.Result mintPeer, double mintSeconds,
            MemoryBenchmark.Mints mints, long stored, double operatorWritesPerModel,
            int objectsPerModel, long resyncWrites, double operatorReadySeconds, MemoryBenchmark.Snapshot operator,
            MemoryBenchmark.Snapshot portal, String load) {
    }

    public static void main(String[] args) throws Exception {
        var sizes = args.length == 0 ? new int[] {300, 1_000, 3_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        var keysPerModel = Integer.parseInt(System.getenv().getOrDefault("BENCH_KEYS_PER_MODEL", "10"));
        System.out.println("load average at the start: " + ReconcileBenchmark.loadAverage());
        var layout = BenchApplication.imageLayout();
        var results = new ArrayList<Result>();
        for (var size : sizes) {
            System.out.printf("%n=== %d models, %d keys ===%n", size, size * keysPerModel);
            results.add(run(layout, size, size * keysPerModel));
        }
        printTable(results);
    }

    static Result run(BenchApplication.Layout layout, int models, int keys) throws Exception {
        var settings = ModelFixtures.settings();
        var applyLimit = Duration.ofSeconds(Math.max(300, models / 2));
        try (var cluster = BenchCluster.start("bench-peer", "bench-warmup")) {
            var client = cluster.client;
            var issuer = cluster.issuer;
            // The peer runs before the application exists, so neither sees the other's objects; a short
            // unmeasured pass first, so it does not pay for this JVM's warm-up.
            ReconcileBenchmark.peer(client, settings, "bench-warmup", Math.min(models, 50), 8);
            MintPeer.run(client, settings, "bench-warmup", Math.min(keys, 500), MemoryBenchmark.MINT_CONCURRENCY);
            removePeer(client, settings, "bench-warmup");
            var peerCpu = CpuAccount.of(parts(cluster));
            var peerSeconds = ReconcileBenchmark.peer(client, settings, "bench-peer", models, 8);
            var peerCpuSummary = peerCpu.summary();
            System.out.printf("peer: plain server-side apply of %d models' objects in %.1f s%n", models, peerSeconds);
            System.out.println("  peer " + peerCpuSummary);
            var mintPeerCpu = CpuAccount.of(parts(cluster));
            var mintPeer = MintPeer.run(client, settings, "bench-peer", keys, MemoryBenchmark.MINT_CONCURRENCY);
            System.out.printf("mint peer: %d keys' shard writes and SecurityPolicy applies in %.1f s"
                    + " (per key p50 %.0f ms, p99 %.0f ms)%n", keys, mintPeer.seconds(),
                    mintPeer.latencies().quantileMillis(0.5), mintPeer.latencies().quantileMillis(0.99));
            System.out.println("  mint peer " + mintPeerCpu.summary());
            removePeer(client, settings, "bench-peer");

            cluster.withWebhook();
            var operatorArgs = cluster.arguments("operator", cluster.webhookPort);
            var portalArgs = cluster.arguments("portal", 0);
            var portal = layout.start("portal", PORTAL_JVM, portalArgs);
            var operator = layout.start("operator", OPERATOR_JVM, operatorArgs);
            try (portal) {
                try {
                    System.out.printf("ready: portal %.1f s, operator %.1f s (started together)%n", portal.awaitReady(), operator.awaitReady());
                    MemoryBenchmark.awaitAdmission(client);
                    System.out.printf("idle: operator %s%n      portal   %s%n",
                            MemoryBenchmark.Snapshot.whenQuiet(operator.process), MemoryBenchmark.Snapshot.whenQuiet(portal.process));

                    var before = requests(operator, portal);
                    var applyCpu = CpuAccount.of(parts(cluster, operator, portal));
                    var applying = System.nanoTime();
                    var watched = client.resources(LLMModel.class).inNamespace(MemoryBenchmark.MODELS_NAMESPACE).inform();
                    ReconcileBenchmark.create(client, MemoryBenchmark.MODELS_NAMESPACE, models);
                    ReconcileBenchmark.awaitFullyApplied(client, settings, watched, MemoryBenchmark.MODELS_NAMESPACE, models, applyLimit);
                    watched.close();
                    var appliedSeconds = (System.nanoTime() - applying) / 1e9;
                    System.out.printf("%d models fully applied in %.1f s (%.2fx the peer)%n", models, appliedSeconds, appliedSeconds / peerSeconds);
                    System.out.println("  apply " + applyCpu.summary());
                    var afterModels = requests(operator, portal);
                    // every object of a model, the internal endpoint's too (the issuer answers), keys not yet minted
                    var objects = ModelManifestRenderer.render(ReconcileBenchmark.model(MemoryBenchmark.MODELS_NAMESPACE, 0),
                            new RenderContext(settings, new dev.nebari.llm.gateway.AccessInputs(List.of(), List.of(),
                                    new dev.nebari.llm.gateway.AccessInputs.OidcProvider(issuer.issuer(), issuer.jwksUri())))).all().size();
                    var perModel = difference(afterModels, before);
                    System.out.printf("requests per model until fully applied (%d objects per model):%n", objects);
                    print(perModel, models);
                    // the objects only: not the model's finalizer and status, Events or the Lease
                    var operatorWrites = writes(perModel, "operator", NOT_OBJECTS);

                    var mintCpu = CpuAccount.of(parts(cluster, operator, portal));
                    var minting = System.nanoTime();
                    var mints = MemoryBenchmark.mint(issuer, portal.webPort, models, keys, Math.max(MemoryBenchmark.USERS, keys / 3));
                    var mintSeconds = (System.nanoTime() - minting) / 1e9;
                    var stored = MemoryBenchmark.storedKeys(client);
                    System.out.printf("%d keys minted in %.1f s (%.2fx the mint peer; %d failed; per mint p50 %.0f ms, p99 %.0f ms), %d stored%n",
                            keys - mints.failures(), mintSeconds, mintSeconds / mintPeer.seconds(), mints.failures(),
                            mints.quantileMillis(0.5), mints.quantileMillis(0.99), stored);
                    System.out.println("  mint " + mintCpu.summary());
                    var afterKeys = requests(operator, portal);
                    System.out.println("requests per key:");
                    print(difference(afterKeys, afterModels), keys);

                    var settleCpu = CpuAccount.of(parts(cluster, operator, portal));
                    var operatorSettled = MemoryBenchmark.settled(operator.process, "operator");
                    var portalSettled = MemoryBenchmark.Snapshot.whenQuiet(portal.process);
                    System.out.printf("portal settled:           %s%n", portalSettled);
                    System.out.println("  settling " + settleCpu.summary());
                    if (DETAILS) {
                        System.out.println("operator, settled:");
                        MemoryBenchmark.printDetails(operator.process.pid());
                        System.out.println("portal, settled:");
                        MemoryBenchmark.printDetails(portal.process.pid());
                    }

                    // A restart reads everything back and must find nothing to write.
                    operator.close();
                    operator = layout.start("operator-restarted", OPERATOR_JVM, operatorArgs);
                    var readySeconds = operator.awaitReady();
                    MemoryBenchmark.Snapshot.whenQuiet(operator.process);
                    var resync = difference(operator.kubernetesRequests(), Map.of());
                    var resyncWrites = resync.entrySet().stream()
                            .filter(e -> WRITE_VERBS.contains(e.getKey().split(" ")[0]) && !e.getKey().endsWith(" leases"))
                            .mapToLong(Map.Entry::getValue).sum();
                    System.out.printf("operator restarted with %d models and %d keys: ready in %.1f s; writes until quiet (leases aside): %d %s%n",
                            models, stored, readySeconds, resyncWrites, writesOnly(resync));
                    return new Result(models, keys, peerSeconds, appliedSeconds, mintPeer, mintSeconds, mints, stored,
                            operatorWrites, objects, resyncWrites, readySeconds, operatorSettled, portalSettled,
                            ReconcileBenchmark.loadAverage());
                } finally {
                    operator.close();
                }
            }
        }
    }

    /** The apply peer's objects and the mint peer's key shards. */
    static void removePeer(KubernetesClient client, PackSettings settings, String namespace) throws InterruptedException {
        MintPeer.remove(client, settings, namespace);
        ReconcileBenchmark.removePeer(client, settings, namespace);
    }

    /** The API server, etcd, this benchmark's JVM and the application's processes, by name and pid. */
    static Map<String, Long> parts(BenchCluster cluster, BenchApplication... applications) {
        var parts = new java.util.LinkedHashMap<String, Long>();
        cluster.plane.processIds().forEach((name, pid) -> {
            if (name.equals("kube-apiserver") || name.equals("etcd")) {
                parts.put(name, pid);
            }
        });
        parts.put("bench", ProcessHandle.current().pid());
        for (var application : applications) {
            parts.put(application.name, application.process.pid());
        }
        return parts;
    }

    /** Both processes' requests so far, each prefixed with its process: {@code operator APPLY deployments}. */
    static Map<String, Long> requests(BenchApplication... applications) throws Exception {
        var all = new TreeMap<String, Long>();
        for (var application : applications) {
            application.kubernetesRequests().forEach((request, count) -> all.put(application.name + " " + request, count));
        }
        return all;
    }

    static Map<String, Long> difference(Map<String, Long> now, Map<String, Long> before) {
        var difference = new TreeMap<String, Long>();
        now.forEach((request, count) -> {
            var delta = count - before.getOrDefault(request, 0L);
            if (delta > 0) {
                difference.put(request, delta);
            }
        });
        return difference;
    }

    static void print(Map<String, Long> requests, int per) {
        requests.forEach((request, count) -> System.out.printf("  %-50s %9.2f%n", request, count / (double) per));
    }

    /** Writes per model by one process, leaving out the resources named (status, Events, Leases). */
    static double writes(Map<String, Long> requests, String process, Set<String> except) {
        return requests.entrySet().stream().filter(e -> {
            var parts = e.getKey().split(" ");
            return parts[0].equals(process) && WRITE_VERBS.contains(parts[1]) && !except.contains(parts[2]);
        }).mapToLong(Map.Entry::getValue).sum();
    }

    static Map<String, Long> writesOnly(Map<String, Long> requests) {
        var writes = new TreeMap<String, Long>();
        requests.forEach((request, count) -> {
            if (WRITE_VERBS.contains(request.split(" ")[0]) && !request.endsWith(" leases")) {
                writes.put(request, count);
            }
        });
        return writes;
    }

    static void printTable(List<Result> results) throws Exception {
        System.out.printf("%nload average at the end: %s%n", ReconcileBenchmark.loadAverage());
        System.out.println("| models | keys | peer s | applied s | ratio | mint peer s | mint s | ratio | p50 ms | p99 ms (mint peer's) | writes/model (objects) | resync writes | operator ready s | operator RSS MiB (heap used) | portal RSS MiB (heap used) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (var r : results) {
            System.out.printf("| %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %.0f | %.0f (%.0f) | %.1f (%d) | %d | %.1f | %d (%d) | %d (%d) |%n",
                    r.models(), r.stored(), r.peerSeconds(), r.appliedSeconds(), r.appliedSeconds() / r.peerSeconds(),
                    r.mintPeer().seconds(), r.mintSeconds(), r.mintSeconds() / r.mintPeer().seconds(), r.mints().quantileMillis(0.5), r.mints().quantileMillis(0.99),
                    r.mintPeer().latencies().quantileMillis(0.99), r.operatorWritesPerModel() / r.models(), r.objectsPerModel(),
                    r.resyncWrites(), r.operatorReadySeconds(),
                    r.operator().rssMiB(), r.operator().heapUsedKiB() >> 10, r.portal().rssMiB(), r.portal().heapUsedKiB() >> 10);
        }
        var first = results.getFirst();
        for (var r : results.subList(1, results.size())) {
            var size = r.models() / (double) first.models();
            System.out.printf("growth %d -> %d models (x%.1f): applied x%.2f (peer x%.2f), mint x%.2f (mint peer x%.2f), operator RSS +%d MiB (%.0f KiB per model + key set), portal RSS +%d MiB%n",
                    first.models(), r.models(), size, r.appliedSeconds() / first.appliedSeconds(),
                    r.peerSeconds() / first.peerSeconds(), r.mintSeconds() / first.mintSeconds(),
                    r.mintPeer().seconds() / first.mintPeer().seconds(),
                    r.operator().rssMiB() - first.operator().rssMiB(),
                    (r.operator().rssKiB() - first.operator().rssKiB()) / (double) (r.models() - first.models()),
                    r.portal().rssMiB() - first.portal().rssMiB());
        }
        var verdicts = new TreeSet<String>();
        for (var r : results) {
            if (r.models() == 300) {
                verdicts.add(String.format("300 models applied <= 30 s and <= 1.5x peer: %s", r.appliedSeconds() <= 30 && r.appliedSeconds() <= 1.5 * r.peerSeconds() ? "met" : "NOT met"));
                verdicts.add(String.format("3,000 mints <= 30 s, p99 <= 250 ms: %s", r.mintSeconds() <= 30 && r.mints().quantileMillis(0.99) <= 250 ? "met" : "NOT met"));
                verdicts.add(String.format("RSS <= 256 MiB per process: operator %s, portal %s", r.operator().rssMiB() <= 256 ? "met" : "NOT met", r.portal().rssMiB() <= 256 ? "met" : "NOT met"));
            }
            verdicts.add(String.format("%d models: writes per model = objects: %s; 0 writes on resync: %s", r.models(),
                    Math.round(r.operatorWritesPerModel() / r.models() * 100) == r.objectsPerModel() * 100L ? "met" : "NOT met",
                    r.resyncWrites() == 0 ? "met" : "NOT met"));
        }
        results.stream().filter(r -> r.models() == 10 * first.models()).findFirst().ifPresent(r -> verdicts.add(String.format(
                "linear: %d models applied <= 10.5x the %d time: %s", r.models(), first.models(),
                r.appliedSeconds() <= 10.5 * first.appliedSeconds() ? "met" : "NOT met")));
        verdicts.forEach(v -> System.out.println("target: " + v));
    }
}
