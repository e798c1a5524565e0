package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the vLLM Deployment rolls out changes. GPU pods rarely fit a surge, hence Recreate by default. */
public enum UpdateStrategy {
    @JsonProperty("Recreate") RECREATE,
    @JsonProperty("RollingUpdate") ROLLING_UPDATE
}
