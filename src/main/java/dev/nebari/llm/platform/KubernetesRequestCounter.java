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
    private final java.util.Deque<String> recentWrites = new java.util.concurrent.ConcurrentLinkedDeque<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        byMethod.computeIfAbsent(request.method(), m -> new AtomicLong()).incrementAndGet();
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
