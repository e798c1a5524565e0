package dev.nebari.llm.model;

import java.util.Optional;

/**
 * Whether a model's replicas may need its PVC on several nodes at once while the pack's access mode lets only one
 * node attach it: the replicas on other nodes then sit in ContainerCreating with a Multi-Attach error (the model
 * stays Starting). Said at admission and in status, since neither the CRD nor the scheduler says it.
 */
public final class SharedVolume {

    private SharedVolume() {
    }

    /**
     * The warning for a model, or empty when its replicas can share the volume.
     *
     * @param accessMode the PVC's access mode (the pack's defaults.storage.accessMode)
     */
    public static Optional<String> multiAttachWarning(LLMModelSpec spec, String accessMode) {
        var storage = spec.model().effectiveStorage().type();
        var onePerNode = "ReadWriteOnce".equals(accessMode) || "ReadWriteOncePod".equals(accessMode);
        if (spec.model().source() != ModelSource.HUGGINGFACE || storage != StorageType.PVC || !onePerNode) {
            return Optional.empty();
        }
        var autoscaling = spec.serving().autoscaling();
        var replicas = spec.serving().replicas();
        String field;
        int most;
        if (autoscaling != null && autoscaling.maxReplicas() > replicas) {
            field = "spec.serving.autoscaling.maxReplicas";
            most = autoscaling.maxReplicas();
        } else {
            field = "spec.serving.replicas";
            most = replicas;
        }
        if (most <= 1) {
            return Optional.empty();
        }
        return Optional.of(field + " is " + most + " but the model volume is a " + accessMode + " PVC (Helm value "
                + "defaults.storage.accessMode): replicas on another node cannot attach it and stay Starting with a "
                + "Multi-Attach error; use a ReadWriteMany storage class (defaults.storage.accessMode: ReadWriteMany) "
                + "or spec.model.storage.type: emptyDir");
    }
}
