package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.model.PassthroughModel;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the admission rules need to know about the cluster, asked only when a rule needs it. */
interface ClusterLookup {

    /** The namespace's labels; empty when the namespace does not exist. */
    Optional<Map<String, String>> namespaceLabels(String namespace);

    /** Every LLMModel in the cluster, as the API server has them now. */
    List<LLMModel> models();

    /**
     * The LLMModels that claim one of {@code claims} ({@link ModelIdSharing#claims}: a served model id or the
     * subdomain): the only ones the id, subdomain and revision rules can find in conflict with a model claiming them.
     */
    default List<LLMModel> modelsClaiming(Collection<String> claims) {
        return models().stream()
                .filter(model -> ModelIdSharing.claims(model).stream().anyMatch(claims::contains))
                .toList();
    }

    SecretPresence secret(String namespace, String name);

    /** Every external provider (PassthroughModel) in the cluster; none where their CRD is not installed. */
    default List<PassthroughModel> passthroughModels() {
        return List.of();
    }

    enum SecretPresence {
        PRESENT,
        ABSENT,
        /** This identity may not read it (the chart grants no Secret access in model namespaces). */
        FORBIDDEN
    }
}
