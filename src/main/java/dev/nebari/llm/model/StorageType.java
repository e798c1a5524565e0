package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kind of volume that holds the weights. */
public enum StorageType {
    @JsonProperty("pvc") PVC,
    @JsonProperty("emptyDir") EMPTY_DIR
}
