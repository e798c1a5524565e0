package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.GatewayRenderer;
import dev.nebari.llm.gateway.SchedulerRenderer;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.serving.WorkloadRenderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.List;

/** Renders every object of one LLMModel: workload, scheduler, gateway and access. */
public final class ModelManifestRenderer {

    private ModelManifestRenderer() {
    }

    public static ModelManifests render(LLMModel model, RenderContext context) {
        var inNamespace = new ArrayList<HasMetadata>();
        inNamespace.addAll(WorkloadRenderer.render(model, context.settings()));
        inNamespace.addAll(SchedulerRenderer.render(model, context.settings()));
        var gateway = GatewayRenderer.render(model, context.settings(), context.access());
        inNamespace.addAll(gateway.inNamespace());
        var uid = model.getMetadata().getUid();
        if (uid != null && !uid.isEmpty()) {
            var owner = controllerReference(model, uid);
            inNamespace.forEach(object -> object.getMetadata().setOwnerReferences(List.of(owner)));
        }
        return new ModelManifests(inNamespace, gateway.elsewhere(), gateway.withheld());
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
