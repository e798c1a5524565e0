/**
 * Pure rendering of a model's workload: PVC, ServiceAccount, Deployment (vLLM with the downloader or OCI init
 * container), HPA (with {@code serving.autoscaling}), Service, NetworkPolicy and PodMonitor, and how the pods reach
 * the Hub (mirror, proxy, trusted CAs).
 * LLMModel and settings in, typed Kubernetes objects out.
 *
 * <p>Owns: the workload renderers. Must not touch: the Kubernetes client or any I/O.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.serving;
