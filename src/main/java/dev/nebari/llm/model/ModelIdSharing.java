package dev.nebari.llm.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * When two LLMModels may answer to the same model id, and the sentence that says why not: the one rule the admission
 * webhook (which refuses the conflict) and the reconciler (which keeps the older model's routes and reports the
 * conflict on the younger) both apply (docs/aliases-and-revisions.md).
 *
 * <p>The ids of a model are {@code spec.model.name} and its {@code spec.model.aliases}; each id leads to one thing
 * only. Two models share ids only as <em>revisions of one id</em>: in one namespace, with the same
 * {@code spec.model.name}, each with {@code spec.traffic}. The gateway then splits the id's requests by weight, so
 * a caller cannot choose which revision answers, and the revisions must agree on everything a caller can see:
 * the aliases, who may call (access), the endpoints and the limits. Otherwise a key or token accepted for the id
 * would be refused, or limited differently, depending on where the request happened to land.
 */
public final class ModelIdSharing {

    /** What callers see of a model, compared between revisions, each with the field a fix would change. */
    private static final List<CallerAspect> CALLER_CONTRACT = List.of(
            new CallerAspect("spec.model.aliases", spec -> Set.copyOf(spec.model().aliases())),
            new CallerAspect("spec.access", spec -> List.of(spec.access().isPublic(),
                    GroupNames.normaliseAll(spec.access().groups()))),
            new CallerAspect("spec.endpoints", spec -> List.of(spec.endpoints().external().enabled(),
                    spec.endpoints().internal().enabled(), ModelObjects.subdomain(spec), spec.endpoints().requestTimeout())),
            new CallerAspect("spec.limits", spec -> Optional.ofNullable(spec.limits())));

    private record CallerAspect(String field, Function<LLMModelSpec, Object> read) {
    }

    private ModelIdSharing() {
    }

    /** Both opted in to serving one id together: same namespace, same {@code spec.model.name}, both weighted. */
    public static boolean revisionsOfOneId(LLMModel a, LLMModel b) {
        return Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
                && a.getSpec().model().name().equals(b.getSpec().model().name())
                && a.getSpec().traffic() != null && b.getSpec().traffic() != null;
    }

    /**
     * Why {@code model} and {@code other} cannot both be routed, as a sentence naming both, or empty when they can: no
     * id in common, or revisions of one id that agree on what callers see. Neither model is preferred here; who keeps
     * the routes is the caller's decision (the older model, in the reconciler).
     */
    public static Optional<String> conflict(LLMModel model, LLMModel other) {
        var shared = new LinkedHashSet<>(model.getSpec().model().ids());
        shared.retainAll(other.getSpec().model().ids());
        if (shared.isEmpty()) {
            return Optional.empty();
        }
        var id = shared.iterator().next();
        var both = reference(model) + " and " + reference(other);
        if (revisionsOfOneId(model, other)) {
            var differing = differences(model.getSpec(), other.getSpec());
            return differing.isEmpty() ? Optional.empty() : Optional.of(both + " serve model id \""
                    + model.getSpec().model().name() + "\" as revisions but differ in " + String.join(", ", differing)
                    + "; revisions of one id must agree on what callers see (aliases, access, endpoints, limits), "
                    + "because a request to the id may land on either");
        }
        var role = describe(id, model) + " of " + reference(model) + " is already served by " + reference(other)
                + (other.getSpec().model().name().equals(id) ? "" : " (as an alias)");
        var sameName = model.getSpec().model().name().equals(other.getSpec().model().name());
        if (sameName && model.getSpec().traffic() != null && other.getSpec().traffic() != null) {
            return Optional.of(role + "; revisions of one id (spec.traffic) must be in one namespace");
        }
        if (sameName) {
            return Optional.of(role + "; each model id leads to one model, unless both models set spec.traffic.weight "
                    + "to serve it as revisions (in one namespace)");
        }
        return Optional.of(role + "; each model id and alias leads to one model: change spec.model.aliases or "
                + "spec.model.name");
    }

    /** The caller-visible fields in which two revisions differ, as field paths. */
    public static List<String> differences(LLMModelSpec a, LLMModelSpec b) {
        var differing = new ArrayList<String>();
        for (var aspect : CALLER_CONTRACT) {
            if (!aspect.read().apply(a).equals(aspect.read().apply(b))) {
                differing.add(aspect.field());
            }
        }
        return differing;
    }

    /** How {@code model} knows {@code id}: as its model id or as an alias. */
    private static String describe(String id, LLMModel model) {
        return (model.getSpec().model().name().equals(id) ? "model id \"" : "alias \"") + id + "\"";
    }

    private static String reference(LLMModel model) {
        return "LLMModel " + model.getMetadata().getNamespace() + "/" + model.getMetadata().getName();
    }
}
