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

    private final Map<String, AtomicLong> byMethod = new ConcurrentHashMap<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        byMethod.computeIfAbsent(request.method(), m -> new AtomicLong()).incrementAndGet();
    }

    public long count(String method) {
        var counter = byMethod.get(method);
        return counter == null ? 0 : counter.get();
    }

    /** POST, PUT, PATCH and DELETE requests sent so far. */
    public long writes() {
        return WRITES.stream().mapToLong(this::count).sum();
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
