package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.platform.PackSettings;

/**
 * Everything rendering needs besides the LLMModel: the pack's settings and the inputs the reconciler observes
 * (key Secrets, this model's client ids, the OIDC provider).
 */
public record RenderContext(PackSettings settings, AccessInputs access) {
}
