/**
 * Admission of LLMModels: the validating webhook that rejects what the CRD's CEL rules cannot see (an unmanaged
 * namespace, a model id or subdomain another model already serves) and warns about what is legal but likely wrong
 * (emptyDir with preload, a missing auth Secret). It serves HTTPS with a CA and serving certificate it issues,
 * shares through a Secret, rotates before expiry and publishes as the webhook configuration's {@code caBundle}.
 *
 * <p>Owns: the webhook's HTTPS server, its certificates and the {@code caBundle}. Must not touch: LLMModels or their
 * children (it only reads them), rendering, or key material. Uses the model module for the API types and names, and
 * the platform module for the pack's settings and the leader gate.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.admission;
