/**
 * The operator's I/O: informers on LLMModels and their children, the work queue, server-side apply, status and
 * Events and the finalizer (the admission webhook is the {@code admission} module).
 *
 * <p>Owns: everything that talks to the API server on a model's behalf. Must not touch: rendering decisions
 * (it asks the serving and gateway modules) or key material (it listens to the keys module's events).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform", "identity", "serving", "gateway", "manifests", "keys", "keys :: events"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.reconciliation;
