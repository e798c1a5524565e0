/**
 * The single entry point for rendering: {@link dev.nebari.llm.manifests.ModelManifestRenderer} asks the serving
 * and gateway renderers for one LLMModel's objects and returns them as {@link dev.nebari.llm.manifests.ModelManifests},
 * with controller owner references on everything in the model's namespace. Pure, like the renderers it combines.
 *
 * <p>Owns: the render context and the manifest set. Must not touch: the Kubernetes client or any I/O.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform", "serving", "gateway"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.manifests;
