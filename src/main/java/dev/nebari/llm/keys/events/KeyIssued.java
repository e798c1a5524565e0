package dev.nebari.llm.keys.events;

import java.time.Instant;
import java.util.Optional;

/** A key was minted and stored. */
public record KeyIssued(String clientId, String modelNamespace, String modelName, String ownerSubject,
        String ownerUsername, Instant created, Optional<Instant> expires) {
}
