package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.Map;

/** Endpoint picker settings. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record InferencePoolSpec(
        @PreserveUnknownFields
        @JsonPropertyDescription("Replaces the endpoint picker's EndpointPickerConfig file (free-form YAML object).")
        Map<String, Object> schedulerConfig) {

    public static final InferencePoolSpec DEFAULT = new InferencePoolSpec(null);

    public InferencePoolSpec {
        schedulerConfig = Collections.ordered(schedulerConfig);
    }
}
