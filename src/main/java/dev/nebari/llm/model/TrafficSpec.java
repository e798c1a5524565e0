package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * The opt-in that lets several LLMModels serve one model id: each declares a weight, and the gateway sends each the
 * share {@code weight / sum of the weights} of the id's requests (docs/aliases-and-revisions.md). Without it a
 * second model with the same id is refused, as before.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficSpec(
        @Required @Min(0) @Max(100)
        @JsonPropertyDescription("Relative share of the model id's requests, 0-100 (80 and 20 split 80/20; 0 takes none).")
        Integer weight) {
}
