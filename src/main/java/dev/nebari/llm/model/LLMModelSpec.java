package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import org.jspecify.annotations.Nullable;

/**
 * What the admin declares. Optional sections left out of a manifest are filled with their defaults here, so code
 * that reads a spec never sees {@code null} for a section; the CRD schema applies the same field defaults on the
 * API server (a test keeps the two in agreement).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LLMModelSpec(
        @Required @JsonPropertyDescription("Which model to serve and where its weights come from.") ModelSpec model,
        @JsonPropertyDescription("Resources of the vLLM container, GPUs included.") ResourcesSpec resources,
        // defaulted to {} so spec.serving.replicas always exists: the scale subresource (kubectl scale, an HPA)
        // fails with "spec replicas field does not exist" otherwise
        @Default("{}") @JsonPropertyDescription("How vLLM runs: image, replicas, parallelism, extra arguments.") ServingSpec serving,
        @Required @JsonPropertyDescription("Who may use the model: public: true, or a list of OIDC groups.") AccessSpec access,
        @JsonPropertyDescription("The API-key (external) and JWT (internal) endpoints.") EndpointsSpec endpoints,
        @JsonPropertyDescription("Per-key / per-user rate limits and token budgets enforced at the gateway.") @Nullable LimitsSpec limits,
        @JsonPropertyDescription("Pod placement and scheduler knobs; the only pod-level settings the API allows.") AdvancedSpec advanced,
        @JsonPropertyDescription("This model's share of its model id's traffic, when several LLMModels in one namespace "
                + "serve the same spec.model.name (a rollout of a new revision); each of them sets a weight.")
        @Nullable TrafficSpec traffic) {

    public LLMModelSpec {
        resources = resources != null ? resources : ResourcesSpec.DEFAULT;
        serving = serving != null ? serving : ServingSpec.DEFAULT;
        endpoints = endpoints != null ? endpoints : EndpointsSpec.DEFAULT;
        advanced = advanced != null ? advanced : AdvancedSpec.DEFAULT;
    }

    /** As before traffic weights existed (keeps the callers that build a spec by hand short). */
    public LLMModelSpec(ModelSpec model, @Nullable ResourcesSpec resources, @Nullable ServingSpec serving, AccessSpec access,
            @Nullable EndpointsSpec endpoints, @Nullable LimitsSpec limits, @Nullable AdvancedSpec advanced) {
        this(model, resources, serving, access, endpoints, limits, advanced, null);
    }
}
