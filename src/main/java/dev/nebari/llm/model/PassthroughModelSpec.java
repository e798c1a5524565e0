package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import org.jspecify.annotations.Nullable;

/**
 * What the admin declares for an external provider. {@code access}, {@code endpoints} and {@code limits} are the
 * very types an {@link LLMModel} uses, so the two kinds are protected alike; omitted sections are filled here as
 * they are for LLMModel.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PassthroughModelSpec(
        @Required @JsonPropertyDescription("Where the provider is and how the gateway authenticates to it.") ProviderSpec provider,
        @Required @JsonPropertyDescription("The model ids the gateway sends to this provider.") ServedModelsSpec models,
        @Required @JsonPropertyDescription("Who may use the provider's models: public: true, or a list of OIDC groups.") AccessSpec access,
        @JsonPropertyDescription("The API-key (external) and JWT (internal) endpoints, and the request timeout.") EndpointsSpec endpoints,
        @JsonPropertyDescription("Per-key / per-user rate limits and token budgets enforced at the gateway.") @Nullable LimitsSpec limits) {

    public PassthroughModelSpec {
        endpoints = endpoints != null ? endpoints : EndpointsSpec.DEFAULT;
    }
}
