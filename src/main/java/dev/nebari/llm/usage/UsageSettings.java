package dev.nebari.llm.usage;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param prometheusUrl   the Prometheus that scrapes Envoy AI Gateway's metrics (e.g.
 *                        {@code http://prometheus-operated.monitoring:9090}); none: usage is not shown
 * @param refreshInterval how long one reading is shown before Prometheus is asked again (every page view would
 *                        otherwise cost three range queries over all keys)
 * @param timeout         how long one query may take before the pages say usage is unavailable
 */
@ConfigurationProperties("usage")
public record UsageSettings(
        @Nullable URI prometheusUrl,
        @DefaultValue("60s") Duration refreshInterval,
        @DefaultValue("10s") Duration timeout) {

    public boolean configured() {
        return prometheusUrl != null && !prometheusUrl.toString().isBlank();
    }
}
