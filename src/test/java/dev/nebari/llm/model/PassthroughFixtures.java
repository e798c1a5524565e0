package dev.nebari.llm.model;

/** A reference external provider, as an admin would write it (every section filled in). */
public final class PassthroughFixtures {

    public static final String REFERENCE_PASSTHROUGH = """
            apiVersion: llm.nebari.dev/v1alpha1
            kind: PassthroughModel
            metadata:
              name: openrouter
              namespace: team-a
              uid: 6f1c2d3e-0000-4000-8000-000000000002
            spec:
              provider:
                hostname: openrouter.ai
                schema:
                  prefix: api/v1
                credential:
                  secretName: openrouter-credential
              models:
                ids: [openai/gpt-4o-mini, anthropic/claude-sonnet-4.5]
              access:
                groups: [data-science]
              limits:
                requestsPerMinute: 30
            """;

    private PassthroughFixtures() {
    }

    public static PassthroughModel referencePassthrough() {
        return parse(REFERENCE_PASSTHROUGH);
    }

    public static PassthroughModel parse(String yaml) {
        return ModelFixtures.SERIALIZATION.unmarshal(yaml, PassthroughModel.class);
    }

    /** The reference provider with its {@code spec.models} replaced by {@code models} (YAML flow, e.g. {@code {catchAll: true}}). */
    public static PassthroughModel withModels(String models) {
        return parse(REFERENCE_PASSTHROUGH.replace("  models:\n    ids: [openai/gpt-4o-mini, anthropic/claude-sonnet-4.5]\n",
                "  models: " + models + "\n"));
    }
}
