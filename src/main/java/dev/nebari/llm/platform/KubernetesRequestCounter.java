package dev.nebari.llm.platform;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
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

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        byMethod.computeIfAbsent(request.method(), m -> new AtomicLong()).incrementAndGet();
        var path = request.uri().getPath();
        byVerbAndResource.computeIfAbsent(verbOf(request) + " " + resourceOf(path) + (path.endsWith("/status") ? "/status" : ""),
                k -> new AtomicLong()).incrementAndGet();
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

    private static String verbOf(HttpRequest request) {
        var query = request.uri().getRawQuery();
        return "GET".equals(request.method()) && query != null && query.contains("watch=true") ? "WATCH" : request.method();
    }

    /** The resource plural of an API path: /api/v1/namespaces/ns/events/x is events, /api/v1/namespaces/ns is namespaces. */
    static String resourceOf(String path) {
        var segments = path.split("/");
        if (segments.length < 3) {
            return "";
        }
        // /api/<version>/... for the core group, /apis/<group>/<version>/... for the others
        int resource = "api".equals(segments[1]) ? 3 : 4;
        if (segments.length > resource + 2 && "namespaces".equals(segments[resource])) {
            resource += 2;
        }
        return segments.length > resource ? segments[resource] : "";
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (var method : new String[] {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
            io.micrometer.core.instrument.FunctionCounter.builder("nebari.kubernetes.requests", this, c -> c.count(method))
                    .description("Requests sent to the Kubernetes API server")
                    .tag("method", method)
                    .register(registry);
        }
    }
}
