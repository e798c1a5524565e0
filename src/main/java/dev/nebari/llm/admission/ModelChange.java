package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import org.jspecify.annotations.Nullable;

/**
 * One write the API server asks us about.
 *
 * @param model    the LLMModel as it would be stored
 * @param previous the stored LLMModel an UPDATE replaces; null for CREATE
 */
record ModelChange(LLMModel model, @Nullable LLMModel previous) {

    boolean isCreate() {
        return previous == null;
    }

    String namespace() {
        return model.getMetadata().getNamespace();
    }

    String name() {
        return model.getMetadata().getName();
    }

    /** {@code namespace/name}, how messages name a model. */
    static String reference(LLMModel model) {
        return model.getMetadata().getNamespace() + "/" + model.getMetadata().getName();
    }
}
