package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.gateway.TrafficSplit;
import dev.nebari.llm.platform.PackSettings;

/**
 * Everything rendering needs besides the LLMModel: the pack's settings and the inputs the reconciler observes
 * (key Secrets, this model's client ids, the OIDC provider) and, for revisions of one id, how its traffic is split.
 */
public record RenderContext(PackSettings settings, AccessInputs access, TrafficSplit split) {

    /** A model that shares its id with no other. */
    public RenderContext(PackSettings settings, AccessInputs access) {
        this(settings, access, TrafficSplit.ALONE);
    }
}
