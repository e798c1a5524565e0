package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The model's two endpoints and the gateway request timeout they share. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointsSpec(
        @JsonPropertyDescription("API-key endpoint for callers outside the cluster.") ExternalEndpointSpec external,
        @JsonPropertyDescription("JWT endpoint for in-cluster callers.") InternalEndpointSpec internal,
        @Default(EndpointsSpec.DEFAULT_REQUEST_TIMEOUT) @Size(max = 32)
        @ValidationRule(value = "self.matches('" + Names.GATEWAY_DURATION + "')",
                message = "spec.endpoints.requestTimeout must be a duration such as 600s, 10m or 1h30m (units h, m, s, ms)")
        @JsonPropertyDescription("Gateway request timeout (Gateway API duration); the gateway default of 60s cuts long streams.")
        String requestTimeout) {

    /** Long enough for streamed completions of large models; the AI gateway's own default is 60 s. */
    public static final String DEFAULT_REQUEST_TIMEOUT = "600s";

    public static final EndpointsSpec DEFAULT = new EndpointsSpec(null, null, null);

    public EndpointsSpec {
        external = external != null ? external : ExternalEndpointSpec.DEFAULT;
        internal = internal != null ? internal : InternalEndpointSpec.DEFAULT;
        requestTimeout = requestTimeout != null ? requestTimeout : DEFAULT_REQUEST_TIMEOUT;
    }
}
