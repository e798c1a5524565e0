package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** GPUs per replica. Only NVIDIA is supported today; the enum makes the API server reject anything else by name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuSpec(
        @Min(0) @Max(64) @Default("0")
        @JsonPropertyDescription("nvidia.com/gpu limit per replica; also the default tensor parallelism.")
        Integer count,
        @Default("nvidia") @JsonPropertyDescription("GPU vendor; only nvidia is supported.")
        GpuType type) {

    public static final GpuSpec NONE = new GpuSpec(null, null);

    public GpuSpec {
        count = count != null ? count : 0;
        type = type != null ? type : GpuType.NVIDIA;
    }
}
