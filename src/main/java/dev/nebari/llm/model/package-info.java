/**
 * The {@code LLMModel} and {@code PassthroughModel} (external provider) API ({@code llm.nebari.dev/v1alpha1}): the
 * custom resource types, their defaults and the validation the CRD schema carries (OpenAPI constraints and CEL rules). The CRDs in the Helm chart are generated
 * from these types at build time, so this package is the single source of truth for the API.
 *
 * <p>Owns: spec and status types, the field defaults, and the API's names (group, version, kind) and, in
 * {@link dev.nebari.llm.model.ModelObjects}, the names and labels of every object created for a model, and in
 * {@link dev.nebari.llm.model.ModelEventReason} the reasons of the Events recorded on a model.
 * Must not touch: the Kubernetes client, Spring beans or any rendering; it depends on no other module.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.model;
