package dev.nebari.llm.datapath;

import dev.nebari.llm.testing.Percentiles;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.datapath.DataPathStack.Minted;
import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.gateway.AccessPolicyRenderer;
import dev.nebari.llm.gateway.KeyCheckRouteRenderer;
import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;

/**
 * The gateway benchmark (bench/gateway/README.md), in one run against the real local gateway:
 * <ol>
 *   <li>the latency the gateway adds (API-key check, body routing, the AI Gateway's processing) over calling the
 *       simulated model server directly: p50/p99 of both, interleaved, and the difference;</li>
 *   <li>revocation to 401: for each of {@code revocations} keys, the time from the REST call's return to the first
 *       401 at Envoy;</li>
 *   <li>a pack of {@code models} models: the time from a model's first key to its first 200; then {@code keys} keys
 *       over those models, and what the design costs at that size: the size of the rendered SecurityPolicies
 *       (measured) next to what "every model's policy lists every key Secret" would render (computed with the same
 *       renderer), API writes per mint, API-key credentials in Envoy's configuration, and again mint to first 200.</li>
 * </ol>
 * Arguments: {@code [models=300] [keys=3000] [latencyRequests=2000] [revocations=50]}.
 */
public final class GatewayBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        var models = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        var keys = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        var latencyRequests = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        var revocations = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        System.out.printf("gateway benchmark: %d models, %d keys, %d latency requests, %d revocations; load average %s%n",
                models, keys, latencyRequests, revocations, loadAverage());
        var cluster = TestCluster.shared();
        cluster.requireUpstreamCrds();
        // The application's own logging is Spring Boot's: keep it to warnings, the benchmark prints the results.
        try (var stack = DataPathStack.start(cluster, RoutingMode.SHARED, "--logging.level.root=WARN",
                "--logging.level.audit=WARN")) {
            var client = cluster.client();
            client.resource(model(stack, 0)).create();
            stack.awaitServed(client, name(0));
            var alice = stack.token("alice", "data-science");
            var key = firstKey(stack, alice, 0);

            addedLatency(stack, key, latencyRequests);
            revocation(stack, revocations);

            System.out.printf("%nA pack of %d models (load average %s)%n", models, loadAverage());
            var created = System.nanoTime();
            for (int i = 1; i < models; i++) {
                client.resource(model(stack, i)).create();
            }
            var names = new ArrayList<String>();
            for (int i = 0; i < models; i++) {
                names.add(name(i));
            }
            stack.awaitServed(client, names.toArray(String[]::new));
            System.out.printf("  all %d models' routes applied and served by the gateway after %.1f s (aigw started %d times)%n",
                    models, seconds(System.nanoTime() - created), stack.gateway.starts());
            var firstKeyTime = timeToFirst200(stack, stack.token("alice", "data-science"), models / 2);
            System.out.printf("  a model's first key: mint to first 200 in %d ms (Envoy Gateway's last translation: %.1f s)%n",
                    firstKeyTime, stack.gateway.lastTranslationTime().toMillis() / 1000.0);

            var requests = stack.app.getBean(KubernetesRequestCounter.class);
            var before = requests.byVerbAndResource();
            var minted = mintSpread(stack, keys, models);
            stack.gateway.awaitFed(Duration.ofMinutes(2));
            sleep(5_000); // the operator's policy writes follow the mints
            System.out.printf("  API writes per mint, by verb and resource: %s%n", writesPerMint(before, requests.byVerbAndResource(), minted));
            policySizes(stack, client);
            envoyCredentials(stack, models, minted + 2);
            var lastKeyTime = timeToFirst200(stack, stack.token("alice", "data-science"), models / 3);
            System.out.printf("  with %d keys: mint to first 200 in %d ms (Envoy Gateway's last translation: %.1f s)%n",
                    minted + 2, lastKeyTime, stack.gateway.lastTranslationTime().toMillis() / 1000.0);
            System.out.printf("load average at the end: %s%n", loadAverage());
        } finally {
            cluster.close();
        }
    }

    // --- 1. added latency ---

    private static void addedLatency(DataPathStack stack, Minted key, int requests) throws Exception {
        var server = stack.modelServer(name(0));
        var body = DataPathStack.chatBody(modelId(0), false, null);
        var direct = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        var throughEnvoy = HttpRequest.newBuilder(URI.create(stack.gateway.externalUrl() + "/v1/chat/completions"))
                .header("Host", stack.externalHost(name(0))).header("Authorization", "Bearer " + key.value())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        for (int i = 0; i < 300; i++) { // JIT, connections, Envoy's caches
            send(direct, 200);
            send(throughEnvoy, 200);
        }
        var directNanos = new long[requests];
        var envoyNanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            directNanos[i] = send(direct, 200);
            envoyNanos[i] = send(throughEnvoy, 200);
        }
        Arrays.sort(directNanos);
        Arrays.sort(envoyNanos);
        System.out.printf("%nAdded latency, %d sequential chat completions each way, interleaved (load average %s)%n",
                requests, loadAverage());
        System.out.printf("  direct to the model server: p50 %.2f ms, p99 %.2f ms%n", ms(Percentiles.of(directNanos, 50)), ms(Percentiles.of(directNanos, 99)));
        System.out.printf("  through Envoy (key check, body routing, AI Gateway): p50 %.2f ms, p99 %.2f ms%n",
                ms(Percentiles.of(envoyNanos, 50)), ms(Percentiles.of(envoyNanos, 99)));
        System.out.printf("  added: p50 %.2f ms, p99 %.2f ms (ratio of p50s %.2f)%n", ms(Percentiles.of(envoyNanos, 50) - Percentiles.of(directNanos, 50)),
                ms(Percentiles.of(envoyNanos, 99) - Percentiles.of(directNanos, 99)), Percentiles.of(envoyNanos, 50) / (double) Percentiles.of(directNanos, 50));
    }

    // --- 2. revocation ---

    private static void revocation(DataPathStack stack, int count) {
        var alice = stack.token("alice", "data-science");
        var minted = new ArrayList<Minted>();
        for (int i = 0; i < count; i++) {
            minted.add(stack.mint(alice, name(0)));
        }
        var host = stack.externalHost(name(0));
        for (var key : minted) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> stack.chat(key.value(), host, modelId(0)).status() == 200);
        }
        var refusal = new long[count];
        for (int i = 0; i < count; i++) {
            var key = minted.get(i);
            stack.revoke(stack.token("alice", "data-science"), key);
            var revoked = System.nanoTime();
            while (stack.chat(key.value(), host, modelId(0)).status() != 401) {
                sleep(5);
            }
            refusal[i] = System.nanoTime() - revoked;
        }
        Arrays.sort(refusal);
        System.out.printf("%nRevocation to 401 at Envoy, %d keys one after another (load average %s)%n", count, loadAverage());
        System.out.printf("  p50 %.0f ms, p99 %.0f ms, max %.0f ms (bar: p99 <= 2000 ms)%n",
                ms(Percentiles.of(refusal, 50)), ms(Percentiles.of(refusal, 99)), ms(refusal[count - 1]));
    }

    // --- 3. a pack of models ---

    private static long timeToFirst200(DataPathStack stack, String token, int model) {
        var started = System.nanoTime();
        var key = stack.mint(token, name(model));
        var host = stack.externalHost(name(model));
        var deadline = started + Duration.ofMinutes(2).toNanos();
        var answers = new java.util.LinkedHashMap<String, Integer>();
        while (System.nanoTime() < deadline) {
            String answer;
            try {
                var response = stack.chat(key.value(), host, modelId(model));
                if (response.status() == 200) {
                    return Duration.ofNanos(System.nanoTime() - started).toMillis();
                }
                answer = String.valueOf(response.status());
            } catch (RuntimeException e) {
                answer = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            answers.merge(answer, 1, Integer::sum);
            sleep(10);
        }
        throw new IllegalStateException("no 200 for a new key of " + name(model) + " within 2 minutes; answers: " + answers);
    }

    private static int mintSpread(DataPathStack stack, int keys, int models) throws Exception {
        var token = stack.token("alice", "data-science");
        var started = System.nanoTime();
        try (var executor = Executors.newFixedThreadPool(8)) {
            var futures = new ArrayList<java.util.concurrent.Future<Minted>>();
            for (int i = 0; i < keys; i++) {
                var model = i % models;
                futures.add(executor.submit(() -> stack.mint(token, name(model))));
            }
            for (var future : futures) {
                future.get();
            }
        }
        System.out.printf("  minting %d keys took %.1f s%n", keys, seconds(System.nanoTime() - started));
        return keys;
    }

    private static String writesPerMint(java.util.Map<String, Long> before, java.util.Map<String, Long> after, int mints) {
        var perMint = new java.util.TreeMap<String, String>();
        after.forEach((verbAndResource, count) -> {
            var verb = verbAndResource.split(" ")[0];
            var delta = count - before.getOrDefault(verbAndResource, 0L);
            if (delta > 0 && !List.of("GET", "LIST", "WATCH").contains(verb)) {
                perMint.put(verbAndResource, String.format(Locale.ROOT, "%.2f", delta / (double) mints));
            }
        });
        return perMint.toString();
    }

    /** What is rendered now against what "every model's policy lists every key Secret" would render. */
    private static void policySizes(DataPathStack stack, KubernetesClient client) {
        var json = client.getKubernetesSerialization();
        var policies = client.genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")
                .inNamespace(stack.namespace).list().getItems();
        var keyCheck = client.genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")
                .inNamespace(stack.keysNamespace).withName(KeyCheckRouteRenderer.NAME).get();
        long now = json.asJson(keyCheck).length();
        for (var policy : policies) {
            now += json.asJson(policy).length();
        }
        var settings = stack.app.getBean(PackSettings.class);
        var credentials = stack.app.getBean(KeyCredentials.class);
        var allSecrets = credentials.allCredentialSecretNames();
        long before = 0;
        for (var model : client.resources(LLMModel.class).inNamespace(stack.namespace).list().getItems()) {
            var ids = credentials.clientIds(new ModelRef(stack.namespace, model.getMetadata().getName())).stream()
                    .map(id -> id.value()).toList();
            before += json.asJson(AccessPolicyRenderer.externalPolicy(model, settings, new AccessInputs(allSecrets, ids, null))).length();
        }
        var internal = policies.stream().filter(p -> p.getMetadata().getName().endsWith("-internal"))
                .mapToLong(p -> json.asJson(p).length()).sum();
        System.out.printf("  SecurityPolicies as applied: %.0f KiB in all, the external ones with the key-check policy %.0f KiB; "
                + "were every model's policy to list all %d key Secrets, the external ones alone would be %.0f KiB%n",
                now / 1024.0, (now - internal) / 1024.0, allSecrets.size(), before / 1024.0);
    }

    /** API-key credentials in Envoy's route configuration (Envoy Gateway copies a policy's keys into each route). */
    private static void envoyCredentials(DataPathStack stack, int models, int keys) throws Exception {
        var admin = stack.gateway.envoyAdmin();
        if (admin.isEmpty()) {
            System.out.println("  Envoy's admin address is unknown: credentials in its configuration not counted");
            return;
        }
        var dump = HTTP.send(HttpRequest.newBuilder(admin.get().resolve("/config_dump?resource=dynamic_route_configs")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        var credentials = dump.split("\"client\"", -1).length - 1;
        // A model's external HTTPRoute has two Envoy routes (its rule and AI Gateway's catch-all), each with a copy.
        System.out.printf("  Envoy's route configuration holds %d API-key credentials (%.1f per key; %.1f MiB of routes); "
                + "every model's policy listing every key Secret would hold %d (2 routes x %d models x %d keys)%n",
                credentials, credentials / (double) keys, dump.length() / 1048576.0, 2L * models * keys, models, keys);
    }

    // --- fixtures and arithmetic ---

    private static LLMModel model(DataPathStack stack, int index) {
        return ModelFixtures.model(stack.namespace, name(index), modelId(index), "access: {groups: [data-science]}");
    }

    private static String name(int index) {
        return "bench-" + index;
    }

    private static String modelId(int index) {
        return "bench/model-" + index;
    }

    private static Minted firstKey(DataPathStack stack, String token, int model) {
        var key = stack.mint(token, name(model));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> stack.chat(key.value(), stack.externalHost(name(model)), modelId(model)).status() == 200);
        return key;
    }

    private static long send(HttpRequest request, int expected) throws Exception {
        var started = System.nanoTime();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        var took = System.nanoTime() - started;
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        return took;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
