package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import org.jspecify.annotations.Nullable;

/**
 * A LoRA adapter served by the model's vLLM next to the base model, under a model id of its own. Its weights come
 * from a Hugging Face repository or an OCI image, like the base model's (docs/lora-adapters.md). It has no access of
 * its own: the gateway enforces access per model route and keys per LLMModel, so an adapter is open to exactly
 * those who may use the base model.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.source != 'oci' || has(self.image)", fieldPath = ".image", reason = "FieldValueRequired",
        message = "spec.adapters[].image is required when the adapter's source is oci: set the OCI image that holds the adapter under /models")
@ValidationRule(value = "self.source == 'oci' || !has(self.image)", fieldPath = ".image",
        message = "spec.adapters[].image is only used with source: oci; remove it or set the adapter's source: oci")
@ValidationRule(value = "self.source != 'oci' || (!has(self.repo) && !has(self.revision))", fieldPath = ".repo",
        message = "spec.adapters[].repo and revision are only used with source: huggingface; remove them for an oci adapter")
public record AdapterSpec(
        @Required @Size(min = 1, max = 200) @Pattern(Names.MODEL_ID)
        @JsonPropertyDescription("The model id clients send in \"model\" to use this adapter (e.g. acme/qwen3-sql-lora).")
        String name,
        @Default("huggingface") @JsonPropertyDescription("Where the adapter comes from: huggingface (default) or oci.")
        ModelSource source,
        @Size(min = 1, max = 200) @Pattern(Names.MODEL_ID)
        @JsonPropertyDescription("Hugging Face repository of the adapter; default: the adapter's name.")
        @Nullable String repo,
        @Size(max = 255) @JsonPropertyDescription("Hugging Face branch, tag or commit to pin; changing it re-downloads.")
        @Nullable String revision,
        @Size(max = 512) @JsonPropertyDescription("OCI image with the adapter's files under /models; required when source is oci.")
        @Nullable String image) {

    public AdapterSpec {
        source = source != null ? source : ModelSource.HUGGINGFACE;
    }

    /** The Hugging Face repository to download: {@code repo}, or the adapter's name when it names none. */
    public String effectiveRepo() {
        return repo != null ? repo : name;
    }
}
