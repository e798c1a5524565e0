package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What the admin declares. Optional sections left out of a manifest are filled with their defaults here, so code
 * that reads a spec never sees {@code null} for a section; the CRD schema applies the same field defaults on the
 * API server (a test keeps the two in agreement).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.adapters) || self.adapters.all(a, self.adapters.filter(b, b.name == a.name).size() == 1)",
        fieldPath = ".adapters",
        message = "spec.adapters[].name must be unique: each adapter is its own model id at the gateway; rename or remove the duplicate")
@ValidationRule(value = "!has(self.adapters) || self.adapters.all(a, a.name != self.model.name)", fieldPath = ".adapters",
        message = "spec.adapters[].name must differ from spec.model.name: the base model already serves that model id; give the adapter its own name")
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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) @Size(max = MAX_ADAPTERS)
        @JsonPropertyDescription("LoRA adapters vLLM serves on top of the base model, each under a model id of its own, "
                + "with the base model's access (docs/lora-adapters.md).")
        List<AdapterSpec> adapters) {

    /** Each adapter is one more model id on the model's routes and one more directory on its volume. */
    public static final int MAX_ADAPTERS = 16;

    public LLMModelSpec {
        resources = resources != null ? resources : ResourcesSpec.DEFAULT;
        serving = serving != null ? serving : ServingSpec.DEFAULT;
        endpoints = endpoints != null ? endpoints : EndpointsSpec.DEFAULT;
        advanced = advanced != null ? advanced : AdvancedSpec.DEFAULT;
        adapters = adapters != null ? List.copyOf(adapters) : List.of();
    }

    /**
     * Every model id this model answers to at the gateway: its own ({@code spec.model.name}), then its adapters'.
     * A key for the model, and its access, cover all of them.
     */
    public List<String> servedModelIds() {
        return Stream.concat(Stream.of(model.name()), adapters.stream().map(AdapterSpec::name)).toList();
    }
}
