package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the operator observed of an external provider's gateway objects. Never contains the credential. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PassthroughModelStatus(
        @JsonPropertyDescription("Summary for humans, derived from the conditions: Pending, Ready, Degraded or Error.") @Nullable Phase phase,
        @JsonPropertyDescription("Ready, ProviderConfigured, ExternalEndpointReady, InternalEndpointReady, AccessControlConfigured.")
        List<Condition> conditions,
        @JsonPropertyDescription("The metadata.generation this status describes.") @Nullable Long observedGeneration,
        @JsonPropertyDescription("Where to call the provider's models (model: the first listed id).") @Nullable EndpointsStatus endpoints,
        @JsonPropertyDescription("The model ids routed to the provider, comma-separated; '*' stands for the catch-all.") @Nullable String models) {

    public PassthroughModelStatus {
        conditions = conditions != null ? List.copyOf(conditions) : List.of();
    }
}
