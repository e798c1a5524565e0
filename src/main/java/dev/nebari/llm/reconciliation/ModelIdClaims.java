package dev.nebari.llm.reconciliation;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.model.ModelObjects;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Who may route a model id, its aliases, its adapters' ids (and, with subdomain routing, a subdomain) when several
 * LLMModels claim one:
 * the admission webhook refuses the second, but models created while it was off, or at the same moment, still
 * collide, and two routes for one id would split its traffic between unrelated deployments. The oldest model keeps
 * the claim (creation time, then namespace and name, so every replica decides alike); the others get no routes until
 * the claim is theirs. Models being deleted, or in namespaces the pack does not manage, claim nothing. Revisions of
 * one id that agree on what callers see ({@link ModelIdSharing}) do not collide: they form one weighted group.
 */
final class ModelIdClaims {

    /** Why {@code model} may not route: the sentence naming both models, and the model that holds the claim. */
    record Taken(String reason, LLMModel holder) {
        String message() {
            return reason + ". LLMModel " + holder.getMetadata().getNamespace() + "/" + holder.getMetadata().getName()
                    + " was created earlier and keeps its routes; this model gets none until the conflict is resolved "
                    + "(or the other model is deleted)";
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

    /** The claim {@code model} loses to an older model, if any, among {@code all} (every model, or more than its rivals). */
    Optional<Taken> takenFrom(LLMModel model, Collection<LLMModel> all) {
        return takenFrom(model, m -> all);
    }

    /**
     * The same, where {@code rivals} gives, for a model, at least every other model that claims one of its ids or its
     * subdomain (the reconciler's index): nothing else can take a claim from it.
     */
    Optional<Taken> takenFrom(LLMModel model, Function<LLMModel, Collection<LLMModel>> rivals) {
        var older = claimants(rivals.apply(model)).filter(m -> SENIORITY.compare(m, model) < 0 && !same(m, model)).toList();
        for (var holder : older) {
            var conflict = ModelIdSharing.conflict(model, holder);
            if (conflict.isPresent()) {
                return Optional.of(new Taken(conflict.get(), holder));
            }
        }
        if (subdomains) {
            var subdomain = ModelObjects.subdomain(model.getSpec());
            return older.stream()
                    .filter(holder -> subdomain.equals(ModelObjects.subdomain(holder.getSpec())))
                    .filter(holder -> !ModelIdSharing.revisionsOfOneId(model, holder))
                    .findFirst()
                    .map(holder -> new Taken("subdomain \"" + subdomain + "\" of " + reference(model)
                            + " is also the subdomain of " + reference(holder)
                            + "; set spec.endpoints.external.subdomain to another DNS label", holder));
        }
        return Optional.empty();
    }

    /**
     * The models whose weighted route {@code model} renders: itself and every revision of its id that routes too
     * (no conflict with it or with an older model), by name. Just {@code model} when it has no {@code spec.traffic}.
     */
    List<LLMModel> revisionGroup(LLMModel model, Function<LLMModel, Collection<LLMModel>> rivals) {
        if (model.getSpec().traffic() == null) {
            return List.of(model);
        }
        var group = new ArrayList<LLMModel>();
        group.add(model);
        claimants(rivals.apply(model))
                .filter(peer -> !same(peer, model) && ModelIdSharing.revisionsOfOneId(model, peer))
                .filter(peer -> ModelIdSharing.conflict(model, peer).isEmpty() && takenFrom(peer, rivals).isEmpty())
                .forEach(group::add);
        group.sort(Comparator.comparing(m -> m.getMetadata().getName()));
        return List.copyOf(group);
    }

    private Stream<LLMModel> claimants(Collection<LLMModel> all) {
        return all.stream()
                .filter(m -> m.getMetadata().getDeletionTimestamp() == null)
                .filter(m -> managedNamespace.test(m.getMetadata().getNamespace()))
                .sorted(SENIORITY);
    }

    private static String reference(LLMModel model) {
        return "LLMModel " + model.getMetadata().getNamespace() + "/" + model.getMetadata().getName();
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
