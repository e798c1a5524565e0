package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import org.jspecify.annotations.Nullable;

/**
 * Replica counts; {@code summary} ("ready/desired") exists for the printer column, which cannot concatenate.
 * {@code current} and {@code selector} are what the scale subresource reports, so an HPA can count and measure the
 * model's pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicasStatus(
        @JsonPropertyDescription("vLLM replicas that pass their readiness probe.") int ready,
        @JsonPropertyDescription("vLLM replicas asked for.") int desired,
        @JsonPropertyDescription("ready/desired, for kubectl get.") String summary,
        @StatusReplicas @JsonPropertyDescription("vLLM pods the Deployment has now (the scale subresource's status.replicas).")
        int current,
        @LabelSelector @JsonPropertyDescription("Label selector of the vLLM pods, for the scale subresource (HPAs read it).")
        String selector,
        @JsonPropertyDescription("Why replicas may never become ready, e.g. a ReadWriteOnce volume shared across nodes.")
        @Nullable String warning) {

    public static ReplicasStatus of(int ready, int desired, int current, String selector, @Nullable String warning) {
        return new ReplicasStatus(ready, desired, ready + "/" + desired, current, selector, warning);
    }
}
