package dev.nebari.llm;

import dev.nebari.llm.testing.Percentiles;
import dev.nebari.llm.keys.storage.KeySecretLayout;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.reconciliation.ReconcileBenchmark;
import dev.nebari.llm.testing.FakeOidcIssuer;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * bench/memory: the resident memory of the whole application (profiles {@code operator,portal} in one JVM, as the
 * chart's {@code combined} Deployment runs it) after reconciling N models and minting K keys through the REST API
 * (docs/quality-bars.md: ≤ 256 MiB for 300 models and 3,000 keys, {@link #TARGET_MIB}).
 *
 * <p>The application is the packaged jar, started as a process of its own with the image's JVM options
 * ({@code BENCH_APP_JVM}, default {@code @config/jvm.options -XX:MaxRAM=768m}: the chart's memory limit for the
 * combined Deployment), against a real kube-apiserver + etcd with the tested upstream CRDs, a
 * {@link FakeOidcIssuer} for its tokens and its admission webhook registered with the API server. Peer, in the same
 * run: the same process idle after start-up, before any model or key exists.
 *
 * <p>Arguments: {@code [models=300] [keys=3000]}. {@code BENCH_APP_ARGS} adds application arguments (e.g.
 * {@code --server.tomcat.threads.max=20}); {@code -Dbench.memoryDetails=true} starts the application with native
 * memory tracking and prints where its memory goes, its threads and the largest classes on its heap.
 */
public final class MemoryBenchmark {

    static final long TARGET_MIB = 256;
    static final String MODELS_NAMESPACE = "bench-models";
    static final String RELEASE_NAMESPACE = "nebari-llm-serving";
    static final String GROUP = "llm-users";
    static final String WEBHOOK_PATH = "/validate-llm-nebari-dev-v1alpha1-llmmodel";
    static final String WEBHOOK_CONFIGURATION = "nebari-llm-serving.llm.nebari.dev";
    /** Users own keys for several models each; the per-user cap (keys.maxPerUserPerModel, 5) is never reached. */
    static final int USERS = 1_000;
    static final int MINT_CONCURRENCY = 16;
    /** Longer than the application's check for unused heap (every minute). */
    static final Duration SETTLE = Duration.ofSeconds(75);

    public static void main(String[] args) throws Exception {
        var models = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        var keys = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
        var details = Boolean.getBoolean("bench.memoryDetails");
        var jar = packagedJar();
        var jvm = new ArrayList<>(words(System.getenv().getOrDefault("BENCH_APP_JVM", "@config/jvm.options -XX:MaxRAM=768m")));
        if (details) {
            jvm.add("-XX:NativeMemoryTracking=summary");
        }
        try (var cluster = BenchCluster.start().withWebhook()) {
            var client = cluster.client;
            var arguments = new ArrayList<>(cluster.arguments("operator,portal", cluster.webhookPort));
            arguments.addAll(words(System.getenv().getOrDefault("BENCH_APP_ARGS", "")));
            try (var application = BenchApplication.start("memory-app", jar, jvm, arguments)) {
                var app = application.process;
                System.out.printf("ready in %.1f s%n", application.awaitReady());
                // The webhook fails closed until the leader has published its CA: wait until a dry run passes.
                awaitAdmission(client);

                var idle = settled(app, "idle after start");

                var applying = System.nanoTime();
                var watched = client.resources(LLMModel.class).inNamespace(MODELS_NAMESPACE).inform();
                ReconcileBenchmark.create(client, MODELS_NAMESPACE, models);
                ReconcileBenchmark.awaitFullyApplied(client, ModelFixtures.settings(), watched, MODELS_NAMESPACE, models);
                watched.close();
                System.out.printf("%d models fully applied in %.1f s%n", models, (System.nanoTime() - applying) / 1e9);
                var withModels = settled(app, "after " + models + " models");

                var minting = System.nanoTime();
                var mints = mint(cluster.issuer, application.webPort, models, keys, USERS);
                var stored = storedKeys(client);
                System.out.printf("%d keys minted in %.1f s (%d failed; p50 %.0f ms, p99 %.0f ms), %d stored in the key Secrets%n",
                        keys - mints.failures(), (System.nanoTime() - minting) / 1e9, mints.failures(),
                        mints.quantileMillis(0.5), mints.quantileMillis(0.99), stored);
                var withKeys = settled(app, "after " + stored + " keys");

                if (System.getenv("BENCH_PAUSE") != null) {
                    System.out.println("PAUSED kubeconfig " + cluster.plane.kubeconfig());
                    Thread.sleep(Long.parseLong(System.getenv("BENCH_PAUSE")) * 1000);
                }
                if (details) {
                    printDetails(app.pid());
                }
                if (Boolean.getBoolean("bench.heapDump")) {
                    var dump = Path.of("target", "bench-memory.hprof").toAbsolutePath();
                    Files.deleteIfExists(dump);
                    System.out.println(jcmd(app.pid(), "GC.heap_dump", dump.toString()).strip());
                }
                jcmd(app.pid(), "GC.run");
                var collected = Snapshot.read(app.pid());
                System.out.println("after a forced full GC:  " + collected);

                System.out.println();
                System.out.printf("models: %d, keys: %d, load average at the end: %s%n", models, stored,
                        ReconcileBenchmark.loadAverage());
                System.out.printf("peer: idle application RSS %d MiB%n", idle.rssMiB());
                System.out.printf("RSS after %d models and %d keys: %d MiB (%.2fx the idle application)%n", models,
                        stored, withKeys.rssMiB(), withKeys.rssMiB() / (double) idle.rssMiB());
                System.out.printf("per model: %.0f KiB RSS, %.0f KiB heap used; per key: %.1f KiB RSS, %.1f KiB heap used%n",
                        (withModels.rssKiB() - idle.rssKiB()) / (double) models,
                        (withModels.heapUsedKiB() - idle.heapUsedKiB()) / (double) models,
                        (withKeys.rssKiB() - withModels.rssKiB()) / (double) Math.max(1, stored),
                        (withKeys.heapUsedKiB() - withModels.heapUsedKiB()) / (double) Math.max(1, stored));
                System.out.printf("target: RSS <= %d MiB: %s (%+d MiB)%n", TARGET_MIB,
                        withKeys.rssMiB() <= TARGET_MIB ? "met" : "NOT met", withKeys.rssMiB() - TARGET_MIB);
            }
        }
    }

    /**
     * The application's memory once it is quiet (printed), and again {@link #SETTLE} after the phase ended (printed
     * and returned): the application gives unused heap back within a minute (platform.UnusedHeapRelease), so the
     * second reading is what it keeps while nothing happens.
     */
    static Snapshot settled(Process app, String phase) throws Exception {
        var ended = System.nanoTime();
        System.out.printf("%-24s when quiet: %s%n", phase + ",", Snapshot.whenQuiet(app));
        var left = SETTLE.toNanos() - (System.nanoTime() - ended);
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
        var settled = Snapshot.whenQuiet(app);
        System.out.printf("%-24s settled:    %s%n", phase + ",", settled);
        return settled;
    }

    /**
     * The application's memory at one moment: resident set (and its anonymous part, which is the JVM's own memory
     * rather than mapped files), Java heap committed and used, threads.
     */
    record Snapshot(long rssKiB, long anonKiB, long heapCommittedKiB, long heapUsedKiB, int threads) {

        /** Waits until the process uses less than 5 % of a core over two 2-second windows (at most 90 s), then reads. */
        static Snapshot whenQuiet(Process app) throws Exception {
            var deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            var quietWindows = 0;
            var before = cpuSeconds(app.pid());
            while (quietWindows < 2 && System.nanoTime() < deadline) {
                Thread.sleep(2_000);
                var now = cpuSeconds(app.pid());
                quietWindows = now - before < 0.1 ? quietWindows + 1 : 0;
                before = now;
            }
            return read(app.pid());
        }

        static Snapshot read(long pid) throws Exception {
            var status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .map(line -> line.split(":\\s+", 2)).filter(kv -> kv.length == 2)
                    .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1].replaceAll("\\D", ""), (a, b) -> a));
            // Serial GC: "DefNew     total 12345K, used 678K [...]" and "Tenured    total ..., used ...".
            var heap = jcmd(pid, "GC.heap_info");
            long committed = 0;
            long used = 0;
            var generation = Pattern.compile("^\\s*\\w+\\s+total (\\d+)K, used (\\d+)K", Pattern.MULTILINE).matcher(heap);
            while (generation.find()) {
                committed += Long.parseLong(generation.group(1));
                used += Long.parseLong(generation.group(2));
            }
            return new Snapshot(Long.parseLong(status.get("VmRSS")), Long.parseLong(status.get("RssAnon")), committed,
                    used, Integer.parseInt(status.get("Threads")));
        }

        long rssMiB() {
            return rssKiB >> 10;
        }

        @Override
        public String toString() {
            return String.format("RSS %d MiB (anonymous %d MiB), heap %d MiB used of %d MiB committed, %d threads, load %s",
                    rssKiB >> 10, anonKiB >> 10, heapUsedKiB >> 10, heapCommittedKiB >> 10, threads, load());
        }

        private static String load() {
            try {
                return ReconcileBenchmark.loadAverage();
            } catch (IOException e) {
                return "?";
            }
        }
    }

    /** The outcome of minting: how many mints failed, and how long each successful one took. */
    record Mints(int failures, long[] nanos) {

        /** The {@code q}-quantile (0..1) of the successful mints' latency, in milliseconds. */
        double quantileMillis(double q) {
            if (nanos.length == 0) {
                return Double.NaN;
            }
            var sorted = nanos.clone();
            Arrays.sort(sorted);
            return Percentiles.of(sorted, q * 100) / 1e6;
        }
    }

    /**
     * Mints {@code keys} keys through POST /api/v1/keys ({@link #MINT_CONCURRENCY} at a time), round-robin over the
     * models, for {@code users} users who each get keys for different models.
     */
    static Mints mint(FakeOidcIssuer issuer, int port, int models, int keys, int users) throws Exception {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        var failures = new AtomicInteger();
        var latencies = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
        var problems = new java.util.concurrent.ConcurrentHashMap<String, Integer>();
        var permits = new Semaphore(MINT_CONCURRENCY);
        var tokens = new UserTokens(issuer);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < keys; i++) {
                var user = "bench-user-" + (i % users);
                var model = "model-" + (i % models);
                permits.acquire();
                threads.submit(() -> {
                    try {
                        var token = tokens.of(user);
                        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/keys"))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("""
                                        {"model": {"namespace": "%s", "name": "%s"}, "description": "bench"}"""
                                        .formatted(MODELS_NAMESPACE, model)))
                                .timeout(Duration.ofSeconds(60))
                                .build();
                        for (int attempt = 1; ; attempt++) {
                            var sent = System.nanoTime();
                            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 201) {
                                latencies.add(System.nanoTime() - sent);
                                return null;
                            }
                            if (response.statusCode() < 500 || attempt == 3) {
                                failures.incrementAndGet();
                                problems.merge(response.statusCode() + " " + response.body(), 1, Integer::sum);
                                return null;
                            }
                        }
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        problems.forEach((problem, count) -> System.out.println("mint failed " + count + " times: " + problem));
        return new Mints(failures.get(), latencies.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * Each user's access token, signed once and used until a minute before it expires, as a client (a CLI, the
     * portal's session) does: signing one per request cost the benchmark's own process ~3 CPU ms per mint, on the
     * cores the measured processes share.
     */
    private static final class UserTokens {
        private static final Duration USED_FOR = Duration.ofMinutes(4);
        private final FakeOidcIssuer issuer;
        private final Map<String, Map.Entry<String, Long>> byUser = new java.util.concurrent.ConcurrentHashMap<>();

        UserTokens(FakeOidcIssuer issuer) {
            this.issuer = issuer;
        }

        String of(String user) {
            return byUser.compute(user, (name, held) -> held != null && System.nanoTime() - held.getValue() < USED_FOR.toNanos()
                    ? held
                    : Map.entry(issuer.token(name, claims -> claims.claim("preferred_username", name)
                            .claim("groups", List.of(GROUP))), System.nanoTime())).getKey();
        }
    }

    /** Keys the credential shards hold: each data entry is one key. */
    static long storedKeys(KubernetesClient client) {
        return client.secrets().inNamespace("llm-api-keys")
                .withLabel(KeySecretLayout.COMPONENT, KeySecretLayout.CREDENTIALS_COMPONENT).list().getItems().stream()
                .mapToLong(secret -> secret.getData() == null ? 0 : secret.getData().size()).sum();
    }

    /** Registers the application's webhook with the API server as the chart does, with a loopback URL for the Service. */
    static void registerWebhook(KubernetesClient client, int port) {
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(WEBHOOK_CONFIGURATION).endMetadata()
                .addNewWebhook()
                .withName("llmmodels.llm.nebari.dev")
                .withAdmissionReviewVersions("v1")
                .withNewClientConfig().withUrl("https://127.0.0.1:" + port + WEBHOOK_PATH).endClientConfig()
                .addNewRule()
                .withApiGroups(LLMModel.GROUP).withApiVersions(LLMModel.VERSION).withResources(LLMModel.PLURAL)
                .withOperations("CREATE", "UPDATE").withScope("Namespaced")
                .endRule()
                .withFailurePolicy("Fail")
                .withSideEffects("None")
                .withTimeoutSeconds(10)
                .endWebhook()
                .build()).create();
    }

    static void awaitAdmission(KubernetesClient client) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        var probe = ReconcileBenchmark.model(MODELS_NAMESPACE, 999_999);
        while (true) {
            try {
                client.resource(probe).dryRun().create();
                return;
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the admission webhook did not admit a model within 60 s", notYet);
                }
                Thread.sleep(250);
            }
        }
    }

    /**
     * Native memory by category, threads grouped by name, and the largest classes on the heap; with
     * {@code -Dbench.heapDump=true} also a dump of the live objects (for a dominator analysis).
     */
    static void printDetails(long pid) throws Exception {
        System.out.println("native memory (committed, MiB):");
        jcmd(pid, "VM.native_memory", "summary", "scale=MB").lines()
                .filter(l -> l.startsWith("Total") || l.startsWith("-"))
                .forEach(l -> System.out.println("  " + l.replaceAll("\\s+", " ").trim()));
        var threads = new TreeMap<String, Integer>();
        var name = Pattern.compile("^\"(.*?)\"", Pattern.MULTILINE).matcher(jcmd(pid, "Thread.print"));
        while (name.find()) {
            threads.merge(name.group(1).replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        System.out.println("platform threads by name (digits as #):");
        threads.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %4d %s%n", e.getValue(), e.getKey()));
        var histogram = jcmd(pid, "GC.class_histogram");
        var file = Path.of("target", "bench-memory-histogram-" + pid + ".txt").toAbsolutePath();
        Files.writeString(file, histogram);
        System.out.println("largest classes on the heap (all in " + file + "):");
        histogram.lines().limit(23).forEach(l -> System.out.println("  " + l));
        System.out.println("metaspace:");
        jcmd(pid, "VM.metaspace", "summary").lines().filter(l -> l.contains("classes") || l.startsWith("Both"))
                .limit(8).forEach(l -> System.out.println("  " + l.trim()));
        System.out.println("code cache:");
        jcmd(pid, "Compiler.codecache").lines().filter(l -> l.contains("size=") || l.contains("full_count") || l.contains("compilation:"))
                .forEach(l -> System.out.println("  " + l.trim()));
        if (Boolean.getBoolean("bench.heapDump")) {
            var dump = Path.of("target", "bench-memory-heap-" + pid + ".hprof").toAbsolutePath();
            jcmd(pid, "GC.heap_dump", dump.toString());
            System.out.println("live objects dumped to " + dump);
        }
    }

    static String jcmd(long pid, String... command) throws Exception {
        var arguments = new ArrayList<>(List.of(Long.toString(pid)));
        arguments.addAll(List.of(command));
        return jdkTool("jcmd", arguments.toArray(String[]::new));
    }

    /** Runs one of the JDK's tools ({@code jcmd}, {@code jstat}) and returns what it printed. */
    static String jdkTool(String tool, String... arguments) throws Exception {
        var all = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", tool).toString()));
        all.addAll(List.of(arguments));
        var process = new ProcessBuilder(all).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return output;
    }

    /** utime + stime of the process, from /proc/<pid>/stat (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) throws IOException {
        var stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /**
     * A copy of target/nebari-llm-serving-*.jar, or of the jar {@code BENCH_JAR} names (to compare a build of another
     * commit): a build during the benchmark replaces the jar, and the running application loads classes from it.
     */
    static Path packagedJar() throws IOException {
        Path jar;
        if (System.getenv("BENCH_JAR") != null) {
            jar = Path.of(System.getenv("BENCH_JAR"));
        } else {
            try (var files = Files.list(Path.of("target"))) {
                jar = files.filter(f -> f.getFileName().toString().matches("nebari-llm-serving-.*\\.jar")
                                && !f.getFileName().toString().endsWith("-plain.jar"))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("no target/nebari-llm-serving-*.jar: run ./mvnw -DskipTests package"));
            }
        }
        var copy = Files.createTempFile("nebari-llm-serving-bench-", ".jar");
        copy.toFile().deleteOnExit();
        return Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING).toAbsolutePath();
    }

    static List<String> words(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

}
