package dev.nebari.llm.platform;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the requests this application sends to the API server, by HTTP method. The reconciler promises zero
 * writes in steady state; this is how the promise is measured (tests, the benchmark, and the
 * {@code nebari_kubernetes_requests_total} metric).
 */
public final class KubernetesRequestCounter implements Interceptor, MeterBinder {

    public static final String NAME = "nebari-request-counter";
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private static final int RECENT = 50;

    private final Map<String, AtomicLong> byMethod = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> writesByResource = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> byVerbAndResource = new ConcurrentHashMap<>();
    private final java.util.Deque<String> recentWrites = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile MeterRegistry registry;

    /** A client for {@code config} whose every request this counter counts. */
    public KubernetesClient countedClient(Config config) {
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor(NAME, this))
                .build();
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        byMethod.computeIfAbsent(request.method(), m -> new AtomicLong()).incrementAndGet();
        var path = request.uri().getPath();
        var resource = resourceOf(path) + (path.endsWith("/status") ? "/status" : "");
        var verb = verbOf(request, path);
        byVerbAndResource.computeIfAbsent(verb + " " + resource, key -> {
            var counter = new AtomicLong();
            var registry = this.registry;
            if (registry != null) {
                register(registry, request.method(), verb, resource, counter);
            }
            return counter;
        }).incrementAndGet();
        if (WRITES.contains(request.method())) {
            writesByResource.computeIfAbsent(resourceOf(request.uri().getPath()), r -> new AtomicLong()).incrementAndGet();
            // method and path only: never the body, which may hold key material
            recentWrites.addLast(request.method() + " " + request.uri().getPath());
            while (recentWrites.size() > RECENT) {
                recentWrites.pollFirst();
            }
        }
    }

    /** The last writes (method and path), to explain an unexpected write in a test or a log. */
    public java.util.List<String> recentWrites() {
        return java.util.List.copyOf(recentWrites);
    }

    public long count(String method) {
        var counter = byMethod.get(method);
        return counter == null ? 0 : counter.get();
    }

    /** POST, PUT, PATCH and DELETE requests sent so far. */
    public long writes() {
        return WRITES.stream().mapToLong(this::count).sum();
    }

    /**
     * Writes to one resource type (its plural, e.g. {@code leases}): every replica writes its Lease while it
     * campaigns, so "only the leader writes" is measured as {@code writes() - writesTo("leases")}.
     */
    public long writesTo(String resource) {
        var counter = writesByResource.get(resource);
        return counter == null ? 0 : counter.get();
    }

    /**
     * Every request so far by verb and resource, e.g. {@code PATCH deployments}, {@code PATCH
     * llmmodels/status} or {@code WATCH pods} (a GET that
     * opens a watch counts as WATCH): what a reconcile costs the API server, compared with the minimum.
     */
    public Map<String, Long> byVerbAndResource() {
        var snapshot = new java.util.TreeMap<String, Long>();
        byVerbAndResource.forEach((key, count) -> snapshot.put(key, count.get()));
        return snapshot;
    }

    /**
     * The API server's verb for a request: a GET is WATCH with {@code watch=true}, LIST on a collection and GET on one
     * object; a PATCH with the apply content type is APPLY (server-side apply); the other methods as they are.
     */
    private static String verbOf(HttpRequest request, String path) {
        return switch (request.method()) {
            case "GET" -> {
                var query = request.uri().getRawQuery();
                if (query != null && query.contains("watch=true")) {
                    yield "WATCH";
                }
                yield namesOneObject(path) ? "GET" : "LIST";
            }
            case "PATCH" -> String.valueOf(contentType(request)).startsWith("application/apply-patch") ? "APPLY" : "PATCH";
            default -> request.method();
        };
    }

    private static String contentType(HttpRequest request) {
        return request instanceof StandardHttpRequest standard ? standard.getContentType() : request.header("Content-Type");
    }

    /** Whether an API path ends at one object (or its subresource) rather than a collection. */
    static boolean namesOneObject(String path) {
        var segments = path.split("/");
        int resource = resourceIndex(segments);
        return resource > 0 && segments.length > resource + 1;
    }

    /** The resource plural of an API path: /api/v1/namespaces/ns/events/x is events, /api/v1/namespaces/ns is namespaces. */
    static String resourceOf(String path) {
        var segments = path.split("/");
        int resource = resourceIndex(segments);
        return resource > 0 && segments.length > resource ? segments[resource] : "";
    }

    /** The index of the resource plural in an API path's segments, or -1 for a path outside the resource APIs. */
    private static int resourceIndex(String[] segments) {
        if (segments.length < 3) {
            return -1;
        }
        // /api/<version>/... for the core group, /apis/<group>/<version>/... for the others
        int resource = "api".equals(segments[1]) ? 3 : 4;
        if (segments.length > resource + 2 && "namespaces".equals(segments[resource])) {
            resource += 2;
        }
        return resource;
    }

    /**
     * {@code nebari_kubernetes_requests_total{method, verb, resource}}: one counter per verb and resource seen so far
     * (a few dozen: the kinds the pack reads and writes), registered as they first occur.
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        byVerbAndResource.forEach((key, counter) -> {
            var verbAndResource = key.split(" ", 2);
            register(registry, methodOf(verbAndResource[0]), verbAndResource[0], verbAndResource[1], counter);
        });
    }

    private static void register(MeterRegistry registry, String method, String verb, String resource, AtomicLong counter) {
        io.micrometer.core.instrument.FunctionCounter.builder("nebari.kubernetes.requests", counter, AtomicLong::get)
                .description("Requests sent to the Kubernetes API server")
                .tag("method", method)
                .tag("verb", verb)
                .tag("resource", resource)
                .register(registry);
    }

    private static String methodOf(String verb) {
        return switch (verb) {
            case "WATCH", "LIST" -> "GET";
            case "APPLY" -> "PATCH";
            default -> verb;
        };
    }
}
