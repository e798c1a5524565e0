/**
 * API keys: generation, client ids, atomic storage of key and metadata in the keys namespace, expiry, revocation
 * and audit. The key-Secret watch publishes KeysChanged, which the reconciler turns into gateway policy updates.
 *
 * <p>Owns: key Secrets and their metadata. Must not touch: gateway objects or LLMModel status.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.keys;
