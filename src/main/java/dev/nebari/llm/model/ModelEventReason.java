package dev.nebari.llm.model;

/**
 * Why the pack recorded a Kubernetes Event on an LLMModel: the Event's {@code reason}, which {@code kubectl describe
 * llmmodel} shows and people filter and alert on ({@code kubectl get events --field-selector reason=KeyRevoked}), so
 * a name never changes once released. The constants are spelled as the Events carry them.
 *
 * <p>The operator records each change of the {@code Ready} condition under the condition's new reason (so the first
 * nine are also the reasons {@code Ready} can have) and each step of taking a model over from the predecessor pack;
 * the portal records every operation on a key of the model.
 */
public enum ModelEventReason {

    Ready(Type.Normal),
    ApplyFailed(Type.Warning),
    NamespaceNotManaged(Type.Warning),
    ModelAvailableNotReady(Type.Warning),
    WorkloadReadyNotReady(Type.Warning),
    SchedulerReadyNotReady(Type.Warning),
    ExternalEndpointReadyNotReady(Type.Warning),
    InternalEndpointReadyNotReady(Type.Warning),
    AccessControlConfiguredNotReady(Type.Warning),
    /** An external provider's (PassthroughModel) gateway objects are not in place. */
    ProviderConfiguredNotReady(Type.Warning),

    PredecessorObjectReplaced(Type.Normal),
    PredecessorObjectTakenOver(Type.Normal),
    PredecessorObjectRemoved(Type.Normal),

    KeyIssued("issued"),
    KeyImported("imported"),
    KeyRenamed("renamed"),
    KeyExpired("expired"),
    KeyRevoked("revoked"),
    /** Revoked by the pack because the owner lost access (the model's groups or the owner's groups changed). */
    KeyRevokedAutomatically("revoked");

    /** The Event's {@code type}: {@code Warning} where an admin has something to fix. */
    public enum Type { Normal, Warning }

    private final Type type;
    private final String action;

    /** A reason of the operator's, whose action is always a reconcile. */
    ModelEventReason(Type type) {
        this.type = type;
        this.action = "Reconcile";
    }

    /** An operation on a key, named as the key audit names it. */
    ModelEventReason(String action) {
        this.type = Type.Normal;
        this.action = action;
    }

    public Type type() {
        return type;
    }

    /** The Event's {@code action}: {@code Reconcile}, or the key operation ({@code issued}, {@code revoked}, ...). */
    public String action() {
        return action;
    }
}
