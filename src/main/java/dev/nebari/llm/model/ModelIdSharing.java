package dev.nebari.llm.model;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * When two LLMModels may answer to the same model id, and the sentence that says why not: the one rule the admission
 * webhook (which refuses the conflict) and the reconciler (which keeps the older model's routes and reports the
 * conflict on the younger) both apply (docs/aliases-and-revisions.md).
 *
 * <p>The ids of a model are those it serves ({@link LLMModelSpec#servedModelIds()}): {@code spec.model.name}, its
 * {@code spec.model.aliases} and its adapters' names ({@code spec.adapters[].name}); each id leads to one thing only.
 * Two models share ids only as <em>revisions of one id</em>: in one namespace, with the same
 * {@code spec.model.name}, each with {@code spec.traffic}. The gateway then splits the id's requests by weight, so
 * a caller cannot choose which revision answers, and the revisions must agree on everything a caller can see:
 * the aliases, the adapter ids, who may call (access), the endpoints and the limits. Otherwise a key or token
 * accepted for the id would be refused, or limited differently, or an adapter id answered or not, depending on where
 * the request happened to land. Only the adapter ids must agree, not where their weights come from: like the base
 * model's revision, an adapter's revision may change from one revision of the id to the next.
 */
public final class ModelIdSharing {

    /** What callers see of a model, compared between revisions, each with the field a fix would change. */
    private static final List<CallerAspect> CALLER_CONTRACT = List.of(
            new CallerAspect("spec.model.aliases", spec -> Set.copyOf(spec.model().aliases())),
            new CallerAspect("spec.adapters[].name", spec -> Set.copyOf(spec.adapterIds())),
            new CallerAspect("spec.access", spec -> List.of(spec.access().isPublic(),
                    GroupNames.normaliseAll(spec.access().groups()))),
            new CallerAspect("spec.endpoints", spec -> List.of(spec.endpoints().external().enabled(),
                    spec.endpoints().internal().enabled(), ModelObjects.subdomain(spec), spec.endpoints().requestTimeout())),
            new CallerAspect("spec.limits", spec -> Optional.ofNullable(spec.limits())));

    private record CallerAspect(String field, Function<LLMModelSpec, Object> read) {
    }

    private static final String BY_CLAIM = "claim";

    private ModelIdSharing() {
    }

    /**
     * What a model claims, so that no other model may take it: its served model ids (its name among them) and its
     * subdomain. Only models that claim one of the same can conflict with it; the reconciler and the admission webhook
     * index their models by these ({@link #indexByClaims}).
     */
    public static List<String> claims(LLMModel model) {
        var claims = new ArrayList<>(model.getSpec().servedModelIds());
        claims.add(ModelObjects.subdomain(model.getSpec()));
        return List.copyOf(claims);
    }

    /** Indexes an informer's models by what they claim, for {@link #claimingAny}; before the informer starts. */
    public static void indexByClaims(SharedIndexInformer<LLMModel> informer) {
        informer.addIndexers(Map.of(BY_CLAIM, ModelIdSharing::claims));
    }

    /**
     * The models that claim one of {@code claims}, each once, from an informer indexed by {@link #indexByClaims}:
     * a lookup per claim instead of a comparison with every model, which made N creates or reconciles cost N².
     */
    public static List<LLMModel> claimingAny(SharedIndexInformer<LLMModel> informer, Collection<String> claims) {
        var found = new LinkedHashMap<String, LLMModel>();
        for (var claim : claims) {
            for (var model : informer.getIndexer().byIndex(BY_CLAIM, claim)) {
                found.putIfAbsent(model.getMetadata().getNamespace() + "/" + model.getMetadata().getName(), model);
            }
        }
        return List.copyOf(found.values());
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
        var shared = new LinkedHashSet<>(model.getSpec().servedModelIds());
        shared.retainAll(other.getSpec().servedModelIds());
        if (shared.isEmpty()) {
            return Optional.empty();
        }
        var id = shared.iterator().next();
        var both = reference(model) + " and " + reference(other);
        if (revisionsOfOneId(model, other)) {
            var differing = differences(model.getSpec(), other.getSpec());
            return differing.isEmpty() ? Optional.empty() : Optional.of(both + " serve model id \""
                    + model.getSpec().model().name() + "\" as revisions but differ in " + String.join(", ", differing)
                    + "; revisions of one id must agree on what callers see (aliases, adapter ids, access, endpoints, "
                    + "limits), because a request to the id may land on either");
        }
        var role = describe(id, model.getSpec()) + " of " + reference(model) + " is already served by " + reference(other)
                + heldAs(id, other.getSpec());
        var sameName = model.getSpec().model().name().equals(other.getSpec().model().name());
        if (sameName && model.getSpec().traffic() != null && other.getSpec().traffic() != null) {
            return Optional.of(role + "; revisions of one id (spec.traffic) must be in one namespace");
        }
        if (sameName) {
            return Optional.of(role + "; each model id leads to one model, unless both models set spec.traffic.weight "
                    + "to serve it as revisions (in one namespace)");
        }
        return Optional.of(role + "; each model id, alias and adapter id leads to one model: change "
                + field(id, model.getSpec()) + " or the other model");
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

    /** The field of {@code spec} that names {@code id} and the id, e.g. {@code spec.adapters[1].name "x"}. */
    private static String describe(String id, LLMModelSpec spec) {
        return field(id, spec) + " \"" + id + "\"";
    }

    /** How the other model holds {@code id}, when not as its own model id. */
    private static String heldAs(String id, LLMModelSpec spec) {
        if (spec.model().name().equals(id)) {
            return "";
        }
        return spec.model().aliases().contains(id) ? " (as an alias)" : " (as a LoRA adapter)";
    }

    /** The field of {@code spec} that names {@code id}: spec.model.name, spec.model.aliases[i] or spec.adapters[i].name. */
    public static String field(String id, LLMModelSpec spec) {
        if (spec.model().name().equals(id)) {
            return "spec.model.name";
        }
        var alias = spec.model().aliases().indexOf(id);
        return alias >= 0 ? "spec.model.aliases[" + alias + "]" : "spec.adapters[" + spec.adapterIds().indexOf(id) + "].name";
    }

    private static String reference(LLMModel model) {
        return "LLMModel " + model.getMetadata().getNamespace() + "/" + model.getMetadata().getName();
    }
}
