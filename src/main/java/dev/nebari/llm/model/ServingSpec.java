package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** How vLLM runs. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ServingSpec(
        @Size(max = 512) @JsonPropertyDescription("vLLM image; overrides defaults.serving.image.")
        @Nullable String image,
        @Size(max = 32) @JsonPropertyDescription("Container command override (default: python3 -m vllm.entrypoints.openai.api_server).")
        List<String> command,
        @Min(0) @Max(1000) @Default("1") @SpecReplicas
        @JsonPropertyDescription("Number of vLLM replicas. Also the LLMModel's scale subresource: kubectl scale, an HPA "
                + "or a KEDA ScaledObject targeting the LLMModel change it, and the operator applies it to the Deployment.")
        Integer replicas,
        @Min(1) @Max(64) @JsonPropertyDescription("--tensor-parallel-size; defaults to the GPU count (at least 1).")
        @Nullable Integer tensorParallelism,
        @Min(1) @Max(64) @Default("1") @JsonPropertyDescription("--data-parallel-size.")
        Integer dataParallelism,
        @Size(max = 128) @JsonPropertyDescription("Extra vLLM arguments, appended after the generated ones.")
        List<String> vllmArgs,
        @Default("Recreate") @JsonPropertyDescription("Recreate (default) or RollingUpdate.")
        UpdateStrategy updateStrategy,
        @JsonPropertyDescription("Prometheus scraping of vLLM metrics.") MonitoringSpec monitoring,
        @Size(max = 16) @JsonPropertyDescription("Secrets (kubernetes.io/dockerconfigjson) in the model's namespace that "
                + "its pods (vLLM, downloader, endpoint picker) pull images with, after defaults.imagePullSecrets.")
        List<String> imagePullSecrets,
        @JsonPropertyDescription("An HPA the operator renders; it then owns spec.serving.replicas (see docs/autoscaling.md).")
        @Nullable AutoscalingSpec autoscaling) {

    public static final ServingSpec DEFAULT = new ServingSpec(null, null, null, null, null, null, null, null, null, null);

    public ServingSpec {
        command = command != null ? List.copyOf(command) : List.of();
        replicas = replicas != null ? replicas : 1;
        dataParallelism = dataParallelism != null ? dataParallelism : 1;
        vllmArgs = vllmArgs != null ? List.copyOf(vllmArgs) : List.of();
        updateStrategy = updateStrategy != null ? updateStrategy : UpdateStrategy.RECREATE;
        monitoring = monitoring != null ? monitoring : MonitoringSpec.UNSET;
        imagePullSecrets = imagePullSecrets != null ? List.copyOf(imagePullSecrets) : List.of();
    }
}
