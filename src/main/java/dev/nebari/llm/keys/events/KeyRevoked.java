package dev.nebari.llm.keys.events;

/** A key was removed from its Secret, by a person, by expiry or automatically. */
public record KeyRevoked(String clientId, String modelNamespace, String modelName, String ownerSubject,
        RevocationReason reason, String actorUsername) {
}
