/**
 * The REST API under /api/v1 for users and admins, with RFC 9457 problem details and an OpenAPI document.
 *
 * <p>Owns: HTTP resources and their DTOs. Must not touch: key storage internals or the reconciler's state.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform", "identity", "keys", "catalog", "gateway", "manifests", "reconciliation", "usage"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.api;
