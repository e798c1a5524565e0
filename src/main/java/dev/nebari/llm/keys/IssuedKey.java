package dev.nebari.llm.keys;

import java.util.Objects;

/** The result of a mint: the stored key and its value, which the portal shows once and then forgets. */
public record IssuedKey(ApiKey key, ApiKeySecret secret) {

    public IssuedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }

    public ClientId clientId() {
        return key.clientId();
    }
}
