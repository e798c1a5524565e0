package dev.nebari.llm.reconciliation;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who may route a model id (and, with subdomain routing, a subdomain) when several LLMModels claim it: the admission
 * webhook refuses the second, but models created while it was off, or at the same moment, still collide, and two
 * routes for one id would split its traffic between unrelated deployments. The oldest model keeps the claim
 * (creation time, then namespace and name, so every replica decides alike); the others get no routes until the
 * claim is theirs. Models being deleted, or in namespaces the pack does not manage, claim nothing.
 */
final class ModelIdClaims {

    /** Why {@code model} may not route: the claim and the model that holds it. */
    record Taken(String claim, LLMModel holder) {
        String message() {
            return claim + " is already served by LLMModel " + holder.getMetadata().getNamespace() + "/"
                    + holder.getMetadata().getName() + " (created earlier), so this model gets no routes: change "
                    + (claim.startsWith("model id") ? "spec.model.name or spec.adapters" : "spec.endpoints.external.subdomain")
                    + ", or delete the other model and this one takes over";
        }
    }

    private static final Comparator<LLMModel> SENIORITY = Comparator
            .comparing((LLMModel m) -> created(m))
            .thenComparing(m -> m.getMetadata().getNamespace())
            .thenComparing(m -> m.getMetadata().getName());

    private final boolean subdomains;
    private final Predicate<String> managedNamespace;

    ModelIdClaims(boolean subdomains, Predicate<String> managedNamespace) {
        this.subdomains = subdomains;
        this.managedNamespace = managedNamespace;
    }

    /** The claim {@code model} loses to an older model, if any. */
    Optional<Taken> takenFrom(LLMModel model, Collection<LLMModel> all) {
        // A model's adapters are model ids too: any one of them held by an older model takes all routes away, as
        // the routes carry every id of the model.
        for (var id : model.getSpec().servedModelIds()) {
            var byId = holder(model, all, m -> m.getSpec().servedModelIds().contains(id));
            if (byId.isPresent()) {
                return Optional.of(new Taken("model id \"" + id + "\"", byId.get()));
            }
        }
        if (subdomains) {
            var subdomain = ModelObjects.subdomain(model.getSpec());
            return holder(model, all, m -> subdomain.equals(ModelObjects.subdomain(m.getSpec())))
                    .map(holder -> new Taken("subdomain \"" + subdomain + "\"", holder));
        }
        return Optional.empty();
    }

    private Optional<LLMModel> holder(LLMModel model, Collection<LLMModel> all, Predicate<LLMModel> sameClaim) {
        var holder = all.stream()
                .filter(m -> m.getMetadata().getDeletionTimestamp() == null)
                .filter(m -> managedNamespace.test(m.getMetadata().getNamespace()))
                .filter(sameClaim)
                .min(SENIORITY);
        return holder.filter(h -> !same(h, model));
    }

    private static boolean same(LLMModel a, LLMModel b) {
        return Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
                && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
    }

    private static Instant created(LLMModel model) {
        var timestamp = model.getMetadata().getCreationTimestamp();
        // Not yet created (no timestamp) counts as the youngest.
        return timestamp == null ? Instant.MAX : Instant.parse(timestamp);
    }
}
