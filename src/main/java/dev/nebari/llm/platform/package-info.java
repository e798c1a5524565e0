/**
 * The platform the pack runs on: its configuration (named after the Helm values), the Kubernetes client, informer
 * plumbing, the leader gate and the one recorder of Events on LLMModels.
 *
 * <p>Owns: {@link dev.nebari.llm.platform.PackSettings}, the client bean (to the configured cluster, or to a {@link
 * dev.nebari.llm.platform.LocalCluster} when one is supplied: the {@code localcluster} module's, which this module
 * does not know), the leader gate ({@link dev.nebari.llm.platform.LeaderGate}: leader election on a Lease, its
 * outcome published as {@code LeadershipChanged}), {@link dev.nebari.llm.platform.GenericResources} (plumbing for
 * third-party kinds), informer plumbing ({@link dev.nebari.llm.platform.ChangeHandler},
 * {@link dev.nebari.llm.platform.LeanItemStore}, {@link dev.nebari.llm.platform.ContentInterner}), the process's
 * memory ({@link dev.nebari.llm.platform.UnusedHeapRelease}), the namespaces the pack manages
 * ({@link dev.nebari.llm.platform.ManagedNamespaces}) and the one recorder of Events on LLMModels
 * ({@link dev.nebari.llm.platform.ModelEventRecorder}), which the operator and the portal share. Must not touch:
 * LLMModel semantics, rendering, keys or the web layer. Uses the model module only for the LLMModel kind and the
 * Events' reasons, which the callers choose.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.platform;
