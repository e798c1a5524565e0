package dev.nebari.llm.keys;

import dev.nebari.llm.model.AccessSpec;
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
}
