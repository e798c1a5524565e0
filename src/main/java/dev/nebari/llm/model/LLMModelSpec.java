package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashSet;
import java.util.List;
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
@ValidationRule(value = "!has(self.adapters) || !has(self.model.aliases) || self.adapters.all(a, !(a.name in self.model.aliases))",
        fieldPath = ".adapters",
        message = "spec.adapters[].name must differ from each of spec.model.aliases: the base model already serves that id as an alias; give the adapter its own name or drop the alias")
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
        @Nullable TrafficSpec traffic,
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
     * Every model id this model answers to at the gateway, each once: its own ({@code spec.model.name}), its aliases,
     * then its adapters'. A key for the model, and its access, cover all of them; the routes match exactly these, and
     * the webhook and the reconciler keep each of them to one model (or to the revisions of one id).
     */
    public List<String> servedModelIds() {
        // The CRD refuses an adapter named like the model or one of its aliases; a spec built in code is not checked
        // by it, so the set keeps an id from being matched twice.
        var ids = new LinkedHashSet<>(model.ids());
        adapters.stream().map(AdapterSpec::name).forEach(ids::add);
        return List.copyOf(ids);
    }

    /** The adapters' model ids, in the author's order. */
    public List<String> adapterIds() {
        return adapters.stream().map(AdapterSpec::name).toList();
    }

    /** As before traffic weights and adapters existed (keeps the callers that build a spec by hand short). */
    public LLMModelSpec(ModelSpec model, @Nullable ResourcesSpec resources, @Nullable ServingSpec serving, AccessSpec access,
            @Nullable EndpointsSpec endpoints, @Nullable LimitsSpec limits, @Nullable AdvancedSpec advanced) {
        this(model, resources, serving, access, endpoints, limits, advanced, null, null);
    }
}
