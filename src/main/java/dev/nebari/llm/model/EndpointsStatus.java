package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Endpoint URLs (empty when the endpoint is disabled) and the exact model id clients send. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointsStatus(
        @JsonPropertyDescription("OpenAI-compatible base URL for API-key callers; empty when disabled.") String external,
        @JsonPropertyDescription("OpenAI-compatible base URL for in-cluster JWT callers; empty when disabled.") String internal,
        @JsonPropertyDescription("The value to send as \"model\".") String model) {
}
