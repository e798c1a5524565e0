package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Supported GPU vendors. */
public enum GpuType {
    @JsonProperty("nvidia") NVIDIA
}
