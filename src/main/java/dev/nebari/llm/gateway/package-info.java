/**
 * Pure rendering of what exposes a model: InferencePool and endpoint picker, the weighted backends of revisions of
 * one id (AIServiceBackend and Backend), AIGatewayRoutes, SecurityPolicies, BackendTrafficPolicy and ReferenceGrants,
 * and for an external provider its Backend, BackendTLSPolicy, AIServiceBackend and BackendSecurityPolicy, plus the
 * gateway facts they rely on (kept here, with their versions).
 *
 * <p>Owns: the scheduling, routing and access renderers. Must not touch: the Kubernetes client or any I/O.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.gateway;
