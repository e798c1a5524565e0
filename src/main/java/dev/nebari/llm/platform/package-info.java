/**
 * The platform the pack runs on: its configuration (named after the Helm values), the Kubernetes client, the
 * embedded control plane used when no cluster is configured, and the leader gate (leader election on a Lease, its
 * outcome published as {@code LeadershipChanged}).
 *
 * <p>Owns: {@link dev.nebari.llm.platform.PackSettings}, the client bean, the embedded API server,
 * {@link dev.nebari.llm.platform.LeaderGate}, and
 * {@link dev.nebari.llm.platform.GenericResources} (plumbing for third-party kinds), informer plumbing
 * ({@link dev.nebari.llm.platform.ChangeHandler}, {@link dev.nebari.llm.platform.LeanItemStore},
 * {@link dev.nebari.llm.platform.ContentInterner}), the process's memory
 * ({@link dev.nebari.llm.platform.UnusedHeapRelease}) and the one recorder of Events on LLMModels
 * ({@link dev.nebari.llm.platform.ModelEventRecorder}), which the operator and the portal share. Must not touch:
 * LLMModel semantics beyond installing the CRD, rendering, keys or the web layer. Uses the model module only for
 * the LLMModel kind and the Events' reasons, which the callers choose.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.platform;
