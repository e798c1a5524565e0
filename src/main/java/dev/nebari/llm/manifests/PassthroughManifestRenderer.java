package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.gateway.PassthroughRenderer;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Renders every object of one PassthroughModel as {@link ModelManifests}, so the reconciler applies, compares and
 * deletes them as it does a model's: the provider's four objects take the workload's place (applied before the
 * policies and routes that lead to them), nothing runs in the cluster and there is no scheduler.
 */
public final class PassthroughManifestRenderer {

    private PassthroughManifestRenderer() {
    }

    /** @param servedLocally model ids an LLMModel serves (they stay the LLMModel's) */
    public static ModelManifests render(PassthroughModel model, RenderContext context, Set<String> servedLocally) {
        var rendered = PassthroughRenderer.render(model, context.settings(), context.access(), servedLocally);
        var gateway = rendered.gateway();
        var uid = model.getMetadata().getUid();
        if (uid != null && !uid.isEmpty()) {
            var owner = List.of(new OwnerReferenceBuilder()
                    .withApiVersion(LLMModel.API_VERSION)
                    .withKind(PassthroughModel.KIND)
                    .withName(model.getMetadata().getName())
                    .withUid(uid)
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build());
            Stream.of(rendered.provider(), gateway.inNamespace()).flatMap(List::stream)
                    .forEach(object -> object.getMetadata().setOwnerReferences(owner));
        }
        var routes = new EnumMap<EndpointSide, Manifest>(EndpointSide.class);
        gateway.routes().forEach((side, route) -> routes.put(side, Manifest.of(route)));
        return new ModelManifests(manifests(rendered.provider()), List.of(), manifests(gateway.policies()), routes,
                manifests(gateway.elsewhere()), gateway.withheld());
    }

    private static List<Manifest> manifests(List<? extends HasMetadata> objects) {
        return objects.stream().map(Manifest::of).toList();
    }
}
