package dev.nebari.llm.serving;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelSource;
import dev.nebari.llm.model.StorageType;

/**
 * Which volume holds the weights. A PVC only for Hugging Face models with pvc storage (the default): an OCI
 * image is its own cache (the node keeps the image), so its weights are copied into an emptyDir, whatever
 * {@code storage.type} says (docs/rendering.md).
 */
enum ModelVolume {
    PERSISTENT_VOLUME_CLAIM, EMPTY_DIR;

    static ModelVolume of(LLMModel model) {
        var spec = model.getSpec().model();
        return spec.source() == ModelSource.HUGGINGFACE && spec.effectiveStorage().type() == StorageType.PVC
                ? PERSISTENT_VOLUME_CLAIM : EMPTY_DIR;
    }
}
