package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the operator observed. Written only by the operator, through the status subresource. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LLMModelStatus(
        @JsonPropertyDescription("Summary for humans, derived from the conditions.") @Nullable Phase phase,
        @JsonPropertyDescription("Ready, ModelAvailable, WorkloadReady, SchedulerReady, ExternalEndpointReady, InternalEndpointReady, AccessControlConfigured.")
        List<Condition> conditions,
        @JsonPropertyDescription("The metadata.generation this status describes.") @Nullable Long observedGeneration,
        @JsonPropertyDescription("Ready and desired vLLM replicas.") @Nullable ReplicasStatus replicas,
        @JsonPropertyDescription("Where to call the model, and the model id to send.") @Nullable EndpointsStatus endpoints,
        @JsonPropertyDescription("Total size of the downloaded weights, e.g. 16.2Gi.") @Nullable String modelSize,
        @JsonPropertyDescription("Download progress while the weights are being fetched.") @Nullable DownloadStatus download) {

    public LLMModelStatus {
        conditions = conditions != null ? List.copyOf(conditions) : List.of();
    }
}
