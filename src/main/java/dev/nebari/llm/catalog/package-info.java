/**
 * Every LLMModel of the cluster from one informer, shared by the portal's pages and the REST API (which filter it
 * by what the user may use), so listing models costs no request to the API server.
 *
 * <p>Owns: the read-only {@link dev.nebari.llm.catalog.ModelCatalog}, which also gives the keys module each model's
 * current access rule ({@code ModelAccessLookup}); its readiness (no traffic before the first list); and the
 * wiring of the keys module's {@code GroupsCheck} to it. Must not touch: key storage (revocations go through the
 * keys module's API) or the reconciler's state.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform", "keys"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.catalog;
