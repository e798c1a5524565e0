package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.gateway.GatewayRenderer;
import dev.nebari.llm.gateway.SchedulerRenderer;
import dev.nebari.llm.gateway.WeightedBackendRenderer;
import java.util.ArrayList;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.serving.WorkloadRenderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.EnumMap;
import java.util.List;
import java.util.stream.Stream;

/** Renders every object of one LLMModel: workload, scheduler, gateway and access. */
public final class ModelManifestRenderer {

    private ModelManifestRenderer() {
    }

    public static ModelManifests render(LLMModel model, RenderContext context) {
        return render(model, context, true);
    }

    /**
     * @param workloadAndPicker false: without the workload and the picker, which are rendered from the model's name,
     *                          uid and spec and the settings alone (their lists stay empty)
     */
    static ModelManifests render(LLMModel model, RenderContext context, boolean workloadAndPicker) {
        var workload = workloadAndPicker ? WorkloadRenderer.render(model, context.settings()) : List.<HasMetadata>of();
        // How the gateway reaches the pods: the pool and its picker, and with spec.traffic the Service as a backend.
        var picker = new ArrayList<HasMetadata>();
        if (workloadAndPicker) {
            picker.addAll(SchedulerRenderer.render(model, context.settings()));
            picker.addAll(WeightedBackendRenderer.render(model));
        }
        var gateway = GatewayRenderer.render(model, context.settings(), context.access(), context.split());
        var uid = model.getMetadata().getUid();
        if (uid != null && !uid.isEmpty()) {
            var owner = List.of(controllerReference(model, uid));
            Stream.of(workload, picker, gateway.inNamespace()).flatMap(List::stream)
                    .forEach(object -> object.getMetadata().setOwnerReferences(owner));
        }
        var routes = new EnumMap<EndpointSide, Manifest>(EndpointSide.class);
        gateway.routes().forEach((side, route) -> routes.put(side, Manifest.of(route)));
        var policies = manifests(gateway.policies());
        var keyed = policies.stream().filter(policy -> policy.object() == gateway.keyed()).findFirst().orElse(null);
        return new ModelManifests(manifests(workload), manifests(picker), policies, routes,
                manifests(gateway.elsewhere()), gateway.withheld(), keyed, GatewayInputs.of(context));
    }

    private static List<Manifest> manifests(List<? extends HasMetadata> objects) {
        return objects.stream().map(Manifest::of).toList();
    }

    private static OwnerReference controllerReference(LLMModel model, String uid) {
        // blockOwnerDeletion lets foreground deletion wait for the children (it needs the finalizers permission
        // on llmmodels, which the operator has).
        return new OwnerReferenceBuilder()
                .withApiVersion(LLMModel.API_VERSION)
                .withKind(LLMModel.KIND)
                .withName(model.getMetadata().getName())
                .withUid(uid)
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
