package dev.nebari.llm.keys;

import java.util.Objects;

/** A stored key as lists show it: its client id and metadata, never its value. */
public record ApiKey(ClientId clientId, KeyMetadata metadata) {

    public ApiKey {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(metadata, "metadata");
    }

    public ModelRef model() {
        return metadata.model();
    }

    public KeyOwner owner() {
        return metadata.owner();
    }

    /** How people tell this key apart from others: description, hint, created, expires. */
    public KeyIdentity identity() {
        return KeyIdentity.of(metadata);
    }
}
