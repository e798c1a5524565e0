package dev.nebari.llm.serving;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.util.Optional;

/**
 * The HPA of a model with {@code spec.serving.autoscaling}. It scales the LLMModel (its scale subresource), never
 * the Deployment: the HPA writes {@code spec.serving.replicas} and the operator, which owns the Deployment's
 * replicas by server-side apply, copies that value, so the two never overwrite each other.
 */
public final class AutoscalerRenderer {

    private AutoscalerRenderer() {
    }

    public static Optional<HorizontalPodAutoscaler> render(LLMModel model) {
        var autoscaling = model.getSpec().serving().autoscaling();
        if (autoscaling == null) {
            return Optional.empty();
        }
        var names = ModelObjects.of(model);
        return Optional.of(new HorizontalPodAutoscalerBuilder()
                .withMetadata(WorkloadRenderer.metadata(names, names.workload()))
                .withNewSpec()
                    .withNewScaleTargetRef()
                        .withApiVersion(LLMModel.API_VERSION)
                        .withKind(LLMModel.KIND)
                        .withName(names.model())
                    .endScaleTargetRef()
                    .withMinReplicas(autoscaling.minReplicas())
                    .withMaxReplicas(autoscaling.maxReplicas())
                    .addNewMetric()
                        .withType("Pods")
                        .withNewPods()
                            .withNewMetric().withName(autoscaling.metric()).endMetric()
                            .withNewTarget()
                                .withType("AverageValue")
                                .withAverageValue(new Quantity(autoscaling.targetAverageValue()))
                            .endTarget()
                        .endPods()
                    .endMetric()
                    .withNewBehavior()
                        .withNewScaleDown()
                            .withStabilizationWindowSeconds(autoscaling.scaleDownStabilizationSeconds())
                        .endScaleDown()
                    .endBehavior()
                .endSpec()
                .build());
    }
}
