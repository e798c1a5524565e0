package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules between external providers (PassthroughModel) and models, which no CRD rule can see (docs/webhook.md):
 *
 * <ul>
 *   <li>a provider and an LLMModel of the same namespace never share a name: keys, routes and policies are named
 *       after it, so both would claim the same objects and the same keys;</li>
 *   <li>a model id is served by one thing: a provider may not list an id an LLMModel serves, nor one another provider
 *       lists, and an LLMModel may not take an id a provider lists. Should both exist anyway (created while the
 *       webhook was down), the LLMModel keeps the id and the provider's status says so;</li>
 *   <li>one catch-all provider per pack: two would tie for every unclaimed id;</li>
 *   <li>warned: a credential Secret that does not exist (the gateway then fails every request to the provider).</li>
 * </ul>
 * As for models, an UPDATE is only checked for what it changes.
 */
final class ProviderRules {

    private ProviderRules() {
    }

    static void check(ProviderChange change, ClusterLookup cluster, List<String> rejections, List<String> warnings) {
        var provider = change.provider();
        var previous = change.previous();
        if (change.isCreate()) {
            cluster.models().stream().filter(m -> sameName(m.getMetadata().getNamespace(), m.getMetadata().getName(), change))
                    .findFirst().ifPresent(m -> rejections.add("metadata.name: LLMModel " + ModelChange.reference(m)
                            + " has the same name; a PassthroughModel and an LLMModel of one namespace share the names of their "
                            + "keys and gateway objects, so pick another name"));
        }
        var others = cluster.passthroughModels().stream()
                .filter(other -> !sameName(other.getMetadata().getNamespace(), other.getMetadata().getName(), change))
                .toList();
        var ids = provider.getSpec().models().ids();
        var before = previous == null ? List.<String>of() : previous.getSpec().models().ids();
        for (var id : ids.stream().filter(id -> !before.contains(id)).distinct().toList()) {
            cluster.models().stream().filter(m -> id.equals(m.getSpec().model().name())).findFirst()
                    .ifPresent(m -> rejections.add("spec.models.ids: \"" + id + "\" is already served by LLMModel "
                            + ModelChange.reference(m) + "; a model id is served by one thing (the local model would keep it): "
                            + "remove it from the list"));
            others.stream().filter(other -> other.getSpec().models().ids().contains(id)).findFirst()
                    .ifPresent(other -> rejections.add("spec.models.ids: \"" + id + "\" is already listed by PassthroughModel "
                            + ProviderChange.reference(other) + "; a model id is served by one thing: remove it from one list"));
        }
        var catchAll = provider.getSpec().models().catchAll();
        if (catchAll && (previous == null || !previous.getSpec().models().catchAll())) {
            others.stream().filter(other -> other.getSpec().models().catchAll()).findFirst()
                    .ifPresent(other -> rejections.add("spec.models.catchAll: PassthroughModel " + ProviderChange.reference(other)
                            + " already takes every unclaimed model id; only one provider can"));
        }
        var secret = provider.getSpec().provider().credential().secretName();
        var secretChanged = previous == null || !Objects.equals(previous.getSpec().provider().credential().secretName(), secret);
        if (secretChanged) {
            switch (cluster.secret(change.namespace(), secret)) {
                case PRESENT -> { }
                case ABSENT -> warnings.add("spec.provider.credential.secretName: Secret " + change.namespace() + "/" + secret
                        + " does not exist; requests to the provider fail until it does (key apiKey)");
                case FORBIDDEN -> warnings.add("spec.provider.credential.secretName: cannot check that Secret "
                        + change.namespace() + "/" + secret + " exists (no permission to read it); make sure it does");
            }
        }
    }

    /** The LLMModel side: its name and its model id against the providers. */
    static void checkModel(ModelChange change, ClusterLookup cluster, boolean idChanged, List<String> rejections) {
        var providers = cluster.passthroughModels();
        if (change.isCreate()) {
            providers.stream().filter(p -> Objects.equals(p.getMetadata().getNamespace(), change.namespace())
                            && Objects.equals(p.getMetadata().getName(), change.name()))
                    .findFirst().ifPresent(p -> rejections.add("metadata.name: PassthroughModel " + ProviderChange.reference(p)
                            + " has the same name; an LLMModel and a PassthroughModel of one namespace share the names of their "
                            + "keys and gateway objects, so pick another name"));
        }
        if (idChanged) {
            // the model's name, aliases and adapter ids alike: each is a value callers send as "model"
            var spec = change.model().getSpec();
            for (var id : spec.servedModelIds()) {
                providers.stream().filter(p -> p.getSpec().models().ids().contains(id)).findFirst()
                        .ifPresent(p -> rejections.add(dev.nebari.llm.model.ModelIdSharing.field(id, spec) + " \"" + id
                                + "\" is listed by PassthroughModel "
                                + ProviderChange.reference(p) + " (an external provider); a model id is served by one thing: "
                                + "remove it from that list first"));
            }
        }
    }

    private static boolean sameName(String namespace, String name, ProviderChange change) {
        return Objects.equals(namespace, change.namespace()) && Objects.equals(name, change.name());
    }
}
