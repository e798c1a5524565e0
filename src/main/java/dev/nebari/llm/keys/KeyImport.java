package dev.nebari.llm.keys;

import dev.nebari.llm.model.AccessSpec;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A key that exists already (the Go predecessor's plain-text keys) to be stored as it is, so its callers keep
 * working. The owner comes from the admin, who maps the predecessor's username to the identity provider's subject
 * (docs/migration.md).
 *
 * @param value    the key as callers send it
 * @param access   the model's current access: the imported key counts as granted by it (the mint-time groups are
 *                 not known), and the owner's own groups are still checked at every sign-in and API call
 * @param created  when it was made, if known
 * @param lifetime empty for the pack's default lifetime, counted from the import
 */
public record KeyImport(
        KeyOwner owner,
        ModelRef model,
        AccessSpec access,
        String value,
        String description,
        Optional<Instant> created,
        Optional<KeyLifetime> lifetime) {

    public KeyImport {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(lifetime, "lifetime");
        description = KeyMetadata.checkDescription(description);
    }

    @Override
    public String toString() {
        // never the value
        return "KeyImport[owner=" + owner + ", model=" + model + "]";
    }
}
