package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** Resources of the vLLM container. GPUs are declared apart so the operator can derive parallelism and tolerations. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ResourcesSpec(
        @JsonPropertyDescription("GPUs for each vLLM replica.") GpuSpec gpu,
        @JsonPropertyDescription("Resource requests of the vLLM container (cpu, memory, ...).") Map<String, Quantity> requests,
        @JsonPropertyDescription("Resource limits of the vLLM container (cpu, memory, ...).") Map<String, Quantity> limits) {

    public static final ResourcesSpec DEFAULT = new ResourcesSpec(null, null, null);

    public ResourcesSpec {
        gpu = gpu != null ? gpu : GpuSpec.NONE;
        requests = Collections.sorted(requests);
        limits = Collections.sorted(limits);
    }
}
