package dev.nebari.llm.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How people tell a key apart, besides its client id: what its owner wrote, its last characters, when it was made
 * and when it ends. Users and admins see the same four everywhere a key appears, and the audit keeps them with every
 * record, so a revoked key can still be named. The hint is not secret; the key's value never appears here.
 *
 * @param hint the key's last four characters, as the owner saw them once
 */
public record KeyIdentity(String description, String hint, Instant created, Optional<Instant> expires) {

    public KeyIdentity {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }

    static KeyIdentity of(KeyMetadata metadata) {
        return new KeyIdentity(metadata.description(), metadata.displayHint(), metadata.created(), metadata.expires());
    }
}
