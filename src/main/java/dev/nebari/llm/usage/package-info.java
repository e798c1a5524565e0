/**
 * Usage per key, read from the gateway: Envoy AI Gateway counts input and output tokens per request and labels the
 * counts with the client id that API key authentication wrote into the request; a Prometheus scraping the gateway
 * (as a Nebari cluster runs one) keeps them, and this module asks it, per key, for the last day, the last 30 days
 * and when the key was last used. Model servers are never asked: what the gateway let through is what was used.
 *
 * <p>Owns: the queries and a short-lived cache of their answers. Must not touch: keys (it only reads the list the
 * caller hands it) or any Kubernetes object.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"keys", "gateway"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.usage;
