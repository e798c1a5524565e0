/**
 * The models a signed-in user may see: every LLMModel from one informer, shared by the portal's pages and the
 * REST API, so listing models costs no request to the API server.
 *
 * <p>Owns: the read-only model catalog. Must not touch: keys or the reconciler's state.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "keys"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.catalog;
