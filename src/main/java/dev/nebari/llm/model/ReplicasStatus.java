package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Replica counts; {@code summary} ("ready/desired") exists for the printer column, which cannot concatenate. */
public record ReplicasStatus(
        @JsonPropertyDescription("vLLM replicas that pass their readiness probe.") int ready,
        @JsonPropertyDescription("vLLM replicas asked for.") int desired,
        @JsonPropertyDescription("ready/desired, for kubectl get.") String summary) {

    public static ReplicasStatus of(int ready, int desired) {
        return new ReplicasStatus(ready, desired, ready + "/" + desired);
    }
}
