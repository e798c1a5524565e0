package dev.nebari.llm.model;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which of the model ids an external provider lists it must leave to others: an LLMModel serves its own id wherever
 * a provider lists it too, and of two providers listing one id the older keeps it (creation time, then namespace
 * and name, so every replica decides alike). The reconciler routes by this rule; the admin API's manifest preview
 * shows what it would render by the same one.
 */
public final class ProviderClaims {

    public static final Comparator<PassthroughModel> SENIORITY = Comparator
            .comparing((PassthroughModel m) -> m.getMetadata().getCreationTimestamp() == null ? Instant.MAX
                    : Instant.parse(m.getMetadata().getCreationTimestamp()))
            .thenComparing(m -> m.getMetadata().getNamespace())
            .thenComparing(m -> m.getMetadata().getName());

    private ProviderClaims() {
    }

    /**
     * The ids {@code provider} must leave alone: every LLMModel's, and those of older providers; models and providers
     * being deleted, or in namespaces {@code managedNamespace} refuses, claim nothing.
     */
    public static Set<String> claimedElsewhere(PassthroughModel provider, Collection<LLMModel> models,
            Collection<PassthroughModel> providers, Predicate<String> managedNamespace) {
        var claimed = new LinkedHashSet<String>();
        models.stream()
                .filter(m -> m.getMetadata().getDeletionTimestamp() == null && managedNamespace.test(m.getMetadata().getNamespace()))
                .forEach(m -> claimed.add(m.getSpec().model().name()));
        providers.stream()
                .filter(other -> other.getMetadata().getDeletionTimestamp() == null && managedNamespace.test(other.getMetadata().getNamespace()))
                .filter(other -> SENIORITY.compare(other, provider) < 0)
                .forEach(other -> claimed.addAll(other.getSpec().models().ids()));
        return claimed;
    }
}
