package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a model's weights come from. */
public enum ModelSource {
    @JsonProperty("huggingface") HUGGINGFACE,
    @JsonProperty("oci") OCI
}
