package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Who may use the model. A model nobody may use is a mistake, so CEL requires public or at least one group. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "(has(self.public) && self.public) || (has(self.groups) && size(self.groups) > 0)",
        reason = "FieldValueRequired",
        message = "spec.access must allow someone: set public: true or list at least one OIDC group in spec.access.groups")
public record AccessSpec(
        @JsonProperty("public") @JsonPropertyDescription("Any authenticated user may use the model.")
        Boolean isPublic,
        @Size(max = 64) @JsonPropertyDescription("OIDC groups whose members may use the model (plain or /path names).")
        List<String> groups) {

    public AccessSpec {
        isPublic = isPublic != null ? isPublic : Boolean.FALSE;
        groups = groups != null ? List.copyOf(groups) : List.of();
    }
}
