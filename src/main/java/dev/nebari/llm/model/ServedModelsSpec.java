package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Which requests go to the provider: the listed model ids exactly, and with {@code catchAll} also every model id
 * that no route of the gateway claims (an LLMModel's or another provider's id always wins over the catch-all).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.ids) && size(self.ids) > 0) || (has(self.catchAll) && self.catchAll)",
        reason = "FieldValueRequired",
        message = "spec.models must route something: list model ids in spec.models.ids or set spec.models.catchAll: true")
public record ServedModelsSpec(
        // AIGatewayRouteRule allows 128 matches (AI Gateway v1.0.0)
        @Size(max = 128)
        @ValidationRule(value = "self.all(id, id.matches('" + ServedModelsSpec.MODEL_ID + "'))",
                message = "spec.models.ids must be model ids such as openai/gpt-4o-mini: letters, digits, '.', '_', ':', '-' in one or more '/'-separated parts, at most 256 characters")
        @JsonPropertyDescription("Model ids sent to the provider as they are; clients send exactly these as \"model\".")
        List<@Size(max = 256) String> ids,
        @Default("false")
        @JsonPropertyDescription("Also send every model id no other route claims to this provider (one catch-all per gateway).")
        Boolean catchAll) {

    /** What providers call a model: OpenRouter's {@code vendor/model:variant}, OpenAI's {@code gpt-4o-mini}. */
    public static final String MODEL_ID = "^[A-Za-z0-9][A-Za-z0-9._:-]*(/[A-Za-z0-9][A-Za-z0-9._:-]*)*$";

    public ServedModelsSpec {
        ids = ids != null ? List.copyOf(ids) : List.of();
        catchAll = catchAll != null ? catchAll : Boolean.FALSE;
    }
}
