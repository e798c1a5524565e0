package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.PassthroughModel;
import java.util.ArrayList;
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
     * The LLMModels that serve one of {@code claims} as a model id or use one as their subdomain ({@link #claimsOf}):
     * the only ones the id, subdomain and revision rules can find in conflict with a model that claims them.
     */
    default List<LLMModel> modelsClaiming(Collection<String> claims) {
        return models().stream().filter(model -> claimsOf(model).stream().anyMatch(claims::contains)).toList();
    }

    /** What a model claims: its served model ids (its name among them) and its subdomain. */
    static List<String> claimsOf(LLMModel model) {
        var claims = new ArrayList<>(model.getSpec().servedModelIds());
        claims.add(ModelObjects.subdomain(model.getSpec()));
        return claims;
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
