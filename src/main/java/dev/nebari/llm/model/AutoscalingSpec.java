package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * An HPA for the model, rendered by the operator: it targets the LLMModel's scale subresource, so it changes
 * {@code spec.serving.replicas} and the operator applies that to the Deployment (no two writers of one field).
 * The metric is a per-pod metric of vLLM that a custom-metrics adapter (prometheus-adapter) serves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.minReplicas <= self.maxReplicas",
        message = "spec.serving.autoscaling.minReplicas must not be greater than spec.serving.autoscaling.maxReplicas")
public record AutoscalingSpec(
        @Required @Min(1) @Max(1000) @JsonPropertyDescription("Fewest vLLM replicas the HPA scales to (at least 1).")
        Integer minReplicas,
        @Required @Min(1) @Max(1000) @JsonPropertyDescription("Most vLLM replicas the HPA scales to.")
        Integer maxReplicas,
        @Default(DEFAULT_METRIC) @Pattern("^[a-zA-Z_:][a-zA-Z0-9_:]*$")
        @JsonPropertyDescription("Per-pod metric the HPA averages, as the custom metrics API serves it: "
                + "vllm:num_requests_waiting (queue depth, default) or vllm:kv_cache_usage_perc (KV cache use, 0-1).")
        String metric,
        @Default(DEFAULT_TARGET)
        @ValidationRule(value = "isQuantity(self)",
                message = "spec.serving.autoscaling.targetAverageValue must be a Kubernetes quantity such as 5 or 800m")
        @JsonPropertyDescription("Average value per pod the HPA aims for, e.g. 5 waiting requests or 800m (80 % KV cache).")
        String targetAverageValue,
        @Min(0) @Max(3600) @Default("300")
        @JsonPropertyDescription("Seconds the HPA waits, after load falls, before removing replicas (vLLM restarts slowly).")
        Integer scaleDownStabilizationSeconds) {

    public static final String DEFAULT_METRIC = "vllm:num_requests_waiting";
    public static final String DEFAULT_TARGET = "5";

    public AutoscalingSpec {
        metric = metric != null ? metric : DEFAULT_METRIC;
        targetAverageValue = targetAverageValue != null ? targetAverageValue : DEFAULT_TARGET;
        scaleDownStabilizationSeconds = scaleDownStabilizationSeconds != null ? scaleDownStabilizationSeconds : 300;
    }
}
