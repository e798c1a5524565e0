package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import org.jspecify.annotations.Nullable;

/**
 * Gateway rate limits, per API key (external) or per user (internal). Minimum 1: Envoy Gateway 1.8 rejects a
 * request limit of 0, and a zero budget is better expressed by disabling the endpoint.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LimitsSpec(
        @Min(1) @JsonPropertyDescription("Requests per minute per key / user.") @Nullable Long requestsPerMinute,
        @Min(1) @JsonPropertyDescription("Total tokens per minute per key / user (needs the gateway's global rate limit and Redis).")
        @Nullable Long tokensPerMinute,
        @Min(1) @JsonPropertyDescription("Total tokens per day per key / user (needs the gateway's global rate limit and Redis).")
        @Nullable Long tokensPerDay) {
}
