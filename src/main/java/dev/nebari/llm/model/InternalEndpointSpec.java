package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** The in-cluster JWT endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InternalEndpointSpec(
        @Default("true") @JsonPropertyDescription("Serve the model to in-cluster callers with an OIDC JWT.") Boolean enabled) {

    public static final InternalEndpointSpec DEFAULT = new InternalEndpointSpec(null);

    public InternalEndpointSpec {
        enabled = enabled != null ? enabled : Boolean.TRUE;
    }
}
