/**
 * The single entry point for rendering: {@link dev.nebari.llm.manifests.ModelManifestRenderer} asks the serving
 * and gateway renderers for one LLMModel's objects and returns them as {@link dev.nebari.llm.manifests.ModelManifests},
 * with controller owner references on everything in the model's namespace. Pure, like the renderers it combines.
 * {@link dev.nebari.llm.manifests.DesiredState} answers what should exist for a model now, for the reconciler and
 * the admin API's preview alike, from inputs observed elsewhere and passed in.
 *
 * <p>Owns: the render context, the manifest set and the kinds rendered ({@link dev.nebari.llm.manifests.ChildKind}).
 * Must not touch: the Kubernetes client or any I/O.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform", "serving", "gateway"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.manifests;
