/**
 * A real Envoy data path on one machine, for the data-path tests, the gateway benchmark and the local demo: Envoy
 * AI Gateway's standalone {@code aigw} (Envoy Gateway in process, file provider, Envoy started as a child), the
 * Envoy rate-limit service and Redis, fed continuously with exactly the gateway objects and key Secrets the
 * operator applied to the API server, plus one {@link dev.nebari.llm.localgateway.SimulatedModelServer} per model
 * Deployment in place of vLLM. The few substitutions a single host needs are made in
 * {@link dev.nebari.llm.localgateway.GatewayFeed} and listed there and in docs/testing.md.
 *
 * <p>Owns: the gateway's processes, its input files and the simulated model servers. Must not touch: the API server
 * beyond reading (it only watches what the operator and the portal wrote), or any module's internals. Nothing here
 * runs in a deployed pack.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform", "localcluster", "gateway", "keys"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.localgateway;
