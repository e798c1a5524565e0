/**
 * The local demo that {@code ./mvnw spring-boot:run} brings up (settings {@code demo.*}, set by config/local.yaml):
 * an OIDC identity provider with demo users, running as its own application context on its own port, the example
 * models applied to the embedded cluster, and one block on start-up that says where everything is.
 *
 * With {@code demo.gateway.enabled} it also runs the local gateway (Envoy AI Gateway with simulated models) for the
 * demo models, so keys minted in the portal answer.
 *
 * <p>Owns: the demo identity provider, its users, the demo models and the demo's gateway. Must not touch: a real cluster (models are
 * applied only to the embedded one) or any other module's internals; nothing here runs unless a demo setting is on.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform", "identity", "localcluster", "localgateway"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.demo;
