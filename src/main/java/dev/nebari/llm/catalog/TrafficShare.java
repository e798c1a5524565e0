package dev.nebari.llm.catalog;

import java.util.List;

/**
 * A model's part of its model id's requests when it sets {@code spec.traffic}: its weight, the sum of the weights of
 * every revision of the id that may share it ({@link dev.nebari.llm.model.ModelIdSharing}), and the other revisions by
 * name. Computed from the specs, as the gateway is told; a revision the operator keeps off the gateway (a conflict,
 * reported in its status) counts for nothing.
 */
public record TrafficShare(int weight, int totalWeight, List<String> otherRevisions) {

    public TrafficShare {
        otherRevisions = List.copyOf(otherRevisions);
    }

    /** Whole percent of the id's requests; 0 when every weight is 0. */
    public int percent() {
        return totalWeight == 0 ? 0 : Math.round(100f * weight / totalWeight);
    }
}
