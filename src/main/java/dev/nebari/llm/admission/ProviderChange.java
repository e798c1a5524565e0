package dev.nebari.llm.admission;

import dev.nebari.llm.model.PassthroughModel;
import org.jspecify.annotations.Nullable;

/**
 * One write of an external provider the API server asks us about.
 *
 * @param provider the PassthroughModel as it would be stored
 * @param previous the stored one an UPDATE replaces; null for CREATE
 */
record ProviderChange(PassthroughModel provider, @Nullable PassthroughModel previous) {

    boolean isCreate() {
        return previous == null;
    }

    String namespace() {
        return provider.getMetadata().getNamespace();
    }

    String name() {
        return provider.getMetadata().getName();
    }

    static String reference(PassthroughModel provider) {
        return provider.getMetadata().getNamespace() + "/" + provider.getMetadata().getName();
    }
}
