/**
 * The platform the pack runs on: its configuration (named after the Helm values), the Kubernetes client, informer
 * plumbing and the leader gate.
 *
 * <p>Owns: {@link dev.nebari.llm.platform.PackSettings}, the client bean (to the configured cluster, or to a {@link
 * dev.nebari.llm.platform.LocalCluster} when one is supplied: the {@code localcluster} module's, which this module
 * does not know), the leader gate ({@link dev.nebari.llm.platform.LeaderGate}),
 * {@link dev.nebari.llm.platform.GenericResources} (plumbing for third-party kinds), informer plumbing
 * ({@link dev.nebari.llm.platform.ChangeHandler}, {@link dev.nebari.llm.platform.LeanItemStore},
 * {@link dev.nebari.llm.platform.ContentInterner}) and the process's memory
 * ({@link dev.nebari.llm.platform.UnusedHeapRelease}). Must not touch:
 * LLMModel semantics, rendering, keys or the web layer. Depends on no other module.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.platform;
