package dev.nebari.llm.gateway;

import dev.nebari.llm.model.LLMModel;
import java.util.Comparator;
import java.util.List;

/**
 * The LLMModels in one namespace that serve one model id as revisions, each with its weight (its
 * {@code spec.traffic.weight}); the reconciler decides who belongs (docs/aliases-and-revisions.md). Every member
 * renders the same weighted rule from it, so whichever member's route the gateway prefers, the split is the same.
 *
 * @param shares by model name, so every member renders the same bytes
 */
public record TrafficSplit(List<Share> shares) {

    /** One member: its LLMModel name and weight. */
    public record Share(String model, int weight) {
    }

    public TrafficSplit {
        shares = shares.stream().sorted(Comparator.comparing(Share::model)).toList();
    }

    /** A model that shares its id with nobody: its route goes to its InferencePool. */
    public static final TrafficSplit ALONE = new TrafficSplit(List.of());

    /** The split among {@code members} (models with {@code spec.traffic}); alone when there are fewer than two. */
    public static TrafficSplit among(List<LLMModel> members) {
        if (members.size() < 2) {
            return ALONE;
        }
        return new TrafficSplit(members.stream()
                .map(m -> new Share(m.getMetadata().getName(), m.getSpec().traffic() == null ? 0 : m.getSpec().traffic().weight()))
                .toList());
    }

    /**
     * True when requests are split between several models. Only then does the rule list weighted backends: AI Gateway
     * allows one InferencePool per rule, so a split cannot go through the pools (see {@link WeightedBackendRenderer}).
     */
    public boolean isSplit() {
        return shares.size() > 1;
    }
}
