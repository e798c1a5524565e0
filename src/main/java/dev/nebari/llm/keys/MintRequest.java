package dev.nebari.llm.keys;

import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.model.LLMModel;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user's request for a key. The caller (portal) supplies the user's current groups and the model's current
 * access, read from the verified token and the LLMModel; this module decides whether they grant access.
 *
 * @param lifetime empty for the pack's default lifetime
 */
public record MintRequest(
        KeyOwner owner,
        Set<String> groups,
        ModelRef model,
        AccessSpec access,
        String description,
        Optional<KeyLifetime> lifetime) {

    public MintRequest {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(lifetime, "lifetime");
        groups = Set.copyOf(groups);
        description = KeyMetadata.checkDescription(description);
    }

    /** A key for {@code model} as it is now (its name and current access), the one way the portal and the API ask. */
    public static MintRequest forModel(KeyOwner owner, Set<String> groups, LLMModel model, String description,
            Optional<KeyLifetime> lifetime) {
        return new MintRequest(owner, groups, new ModelRef(model.getMetadata().getNamespace(), model.getMetadata().getName()),
                model.getSpec().access(), description, lifetime);
    }
}
