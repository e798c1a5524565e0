package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Pod-level knobs of the vLLM pods. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record VllmSpec(
        @Size(max = 128) @JsonPropertyDescription("Extra vLLM arguments, appended after serving.vllmArgs.") List<String> extraArgs,
        @Size(max = 64) @JsonPropertyDescription("Extra environment variables of the vLLM container.") List<EnvVar> extraEnv,
        @Size(max = 32) @JsonPropertyDescription("Tolerations of the vLLM pods (nvidia.com/gpu is added when GPUs are requested).")
        List<Toleration> tolerations,
        @JsonPropertyDescription("Node selector of the vLLM pods.") Map<String, String> nodeSelector,
        @JsonPropertyDescription("Affinity of the vLLM pods.") @Nullable Affinity affinity) {

    public static final VllmSpec DEFAULT = new VllmSpec(null, null, null, null, null);

    public VllmSpec {
        extraArgs = extraArgs != null ? List.copyOf(extraArgs) : List.of();
        extraEnv = extraEnv != null ? List.copyOf(extraEnv) : List.of();
        tolerations = tolerations != null ? List.copyOf(tolerations) : List.of();
        nodeSelector = Collections.sorted(nodeSelector);
    }
}
