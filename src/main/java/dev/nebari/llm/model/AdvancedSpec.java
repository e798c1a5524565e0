package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Escape hatches, kept typed: there is deliberately no raw pod spec (no hostNetwork, volumes or securityContext). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AdvancedSpec(
        @JsonPropertyDescription("Extra vLLM arguments, environment and pod placement.") VllmSpec vllm,
        @JsonPropertyDescription("Endpoint picker (llm-d inference scheduler) settings.") InferencePoolSpec inferencePool) {

    public static final AdvancedSpec DEFAULT = new AdvancedSpec(null, null);

    public AdvancedSpec {
        vllm = vllm != null ? vllm : VllmSpec.DEFAULT;
        inferencePool = inferencePool != null ? inferencePool : InferencePoolSpec.DEFAULT;
    }
}
