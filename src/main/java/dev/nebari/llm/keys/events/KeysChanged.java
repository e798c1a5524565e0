package dev.nebari.llm.keys.events;

/**
 * The set of keys of a model changed (minted, revoked, expired, or a shard Secret appeared or vanished). The
 * reconciler re-renders the model's gateway policy (and, in shared routing mode, every policy's credential list).
 */
public record KeysChanged(String modelNamespace, String modelName) {
}
