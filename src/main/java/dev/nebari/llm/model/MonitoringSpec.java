package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.jspecify.annotations.Nullable;

/** Whether a PodMonitor scrapes vLLM; unset means the pack default (defaults.monitoring.enabled). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MonitoringSpec(
        @JsonPropertyDescription("Create a PodMonitor for /metrics; default: the pack's defaults.monitoring.enabled.")
        @Nullable Boolean enabled) {

    public static final MonitoringSpec UNSET = new MonitoringSpec(null);

    /** The effective setting, given the pack default. */
    public boolean enabledOr(boolean packDefault) {
        return enabled != null ? enabled : packDefault;
    }
}
