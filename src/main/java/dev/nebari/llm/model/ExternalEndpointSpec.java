package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import org.jspecify.annotations.Nullable;

/** The API-key endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExternalEndpointSpec(
        @Default("true") @JsonPropertyDescription("Serve the model to API-key callers.") Boolean enabled,
        @Size(min = 1, max = 63)
        @ValidationRule(value = "self.matches('" + Names.DNS_LABEL + "')",
                message = "spec.endpoints.external.subdomain must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit")
        @JsonPropertyDescription("Host label in subdomain routing mode (<subdomain>.llm.<baseDomain>); default: a slug of the model name.")
        @Nullable String subdomain) {

    public static final ExternalEndpointSpec DEFAULT = new ExternalEndpointSpec(null, null);

    public ExternalEndpointSpec {
        enabled = enabled != null ? enabled : Boolean.TRUE;
    }
}
