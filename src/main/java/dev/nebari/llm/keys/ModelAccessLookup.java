package dev.nebari.llm.keys;

import dev.nebari.llm.model.AccessSpec;
import java.util.Optional;

/** The current access of a model (from the LLMModel), or empty when the model is unknown. */
@FunctionalInterface
public interface ModelAccessLookup {

    Optional<AccessSpec> currentAccess(ModelRef model);
}
