package dev.nebari.llm.usage;

import dev.nebari.llm.keys.ClientId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One reading of usage for every key the gateway counted.
 *
 * @param readAt  when Prometheus was asked
 * @param problem why usage is not known ({@link #NOT_CONFIGURED}, or why Prometheus could not be read); then
 *                {@code byClientId} is empty
 */
public record UsageSnapshot(Instant readAt, Optional<String> problem, Map<String, KeyUsage> byClientId) {

    public static final String NOT_CONFIGURED = "Usage is not configured: set usage.prometheusUrl to the Prometheus "
            + "that scrapes Envoy AI Gateway (see docs/usage.md).";

    public UsageSnapshot {
        byClientId = Map.copyOf(byClientId);
    }

    static UsageSnapshot unavailable(Instant at, String problem) {
        return new UsageSnapshot(at, Optional.of(problem), Map.of());
    }

    public boolean available() {
        return problem.isEmpty();
    }

    /** A key the gateway never counted used nothing. */
    public KeyUsage of(ClientId clientId) {
        return byClientId.getOrDefault(clientId.value(), KeyUsage.NONE);
    }
}
