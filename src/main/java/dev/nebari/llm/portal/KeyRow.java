package dev.nebari.llm.portal;

import dev.nebari.llm.keys.ApiKey;
import java.time.Instant;

/** A stored key as the tables show it: its name (see {@link KeyName}), model and owner; never its value. */
record KeyRow(KeyName name, String model, String ownerUsername, String ownerSubject) {

    static KeyRow of(ApiKey key, Instant now) {
        return new KeyRow(KeyName.of(key, now), key.model().toString(), key.owner().username(), key.owner().subject());
    }
}
