package dev.nebari.llm.keys;

import dev.nebari.llm.keys.events.RevocationReason;
import dev.nebari.llm.model.ModelEventReason;
import java.time.Instant;
import java.util.Optional;

/**
 * One audited key operation: who did what to which key of which model, and why. Never holds a key value.
 *
 * @param action  {@code issued}, {@code imported}, {@code renamed}, {@code revoked}, {@code expired}, or
 *                {@code refused} (a mint or change the pack did not carry out; {@code clientId} is empty for a refused
 *                mint)
 * @param reason  why a key was revoked
 * @param refusal why a request was refused: the stable code of its {@link KeyException} ({@code key-limit-reached}, ...)
 * @param key     the key as people name it, at the time of the operation (after it, for a rename); empty for a refused
 *                mint and in records written before the audit kept it
 * @param bulk    for a key an admin revoked in bulk: which keys that revocation named
 */
public record AuditRecord(
        Instant at,
        String action,
        String clientId,
        ModelRef model,
        String ownerSubject,
        String ownerUsername,
        String actorSubject,
        String actorUsername,
        Actor.Role actorRole,
        Optional<RevocationReason> reason,
        Optional<String> refusal,
        Optional<KeyIdentity> key,
        Optional<BulkScope> bulk) {

    public static final String ISSUED = "issued";
    public static final String REVOKED = "revoked";
    public static final String EXPIRED = "expired";
    public static final String REFUSED = "refused";
    public static final String IMPORTED = "imported";
    public static final String RENAMED = "renamed";

    static AuditRecord issued(Instant at, ApiKey key, Actor actor) {
        return of(at, ISSUED, key, actor, Optional.empty(), Optional.empty());
    }

    /** A key made by the predecessor, stored by an admin for its owner. */
    static AuditRecord imported(Instant at, ApiKey key, Actor actor) {
        return of(at, IMPORTED, key, actor, Optional.empty(), Optional.empty());
    }

    /** The key's owner gave it a new description; {@code key} is the key with it. */
    static AuditRecord renamed(Instant at, ApiKey key, Actor actor) {
        return of(at, RENAMED, key, actor, Optional.empty(), Optional.empty());
    }

    static AuditRecord revoked(Instant at, ApiKey key, Actor actor, RevocationReason reason, Optional<BulkScope> bulk) {
        return of(at, reason == RevocationReason.EXPIRED ? EXPIRED : REVOKED, key, actor, Optional.of(reason), bulk);
    }

    private static AuditRecord of(Instant at, String action, ApiKey key, Actor actor, Optional<RevocationReason> reason,
            Optional<BulkScope> bulk) {
        return new AuditRecord(at, action, key.clientId().value(), key.model(), key.owner().subject(),
                key.owner().username(), actor.subject(), actor.username(), actor.role(), reason, Optional.empty(),
                Optional.of(key.identity()), bulk);
    }

    /** A request that was refused: a mint (no key exists), or a change of {@code clientId}, then named by {@code key}. */
    static AuditRecord refused(Instant at, String clientId, Optional<ApiKey> key, ModelRef model, KeyOwner owner,
            Actor actor, KeyException refusal) {
        return new AuditRecord(at, REFUSED, clientId, model, owner.subject(), owner.username(), actor.subject(),
                actor.username(), actor.role(), Optional.empty(), Optional.of(refusal.code()), key.map(ApiKey::identity),
                Optional.empty());
    }

    public boolean isRefusal() {
        return REFUSED.equals(action);
    }

    /** The reason of the Kubernetes Event on the model: one per kind of change. */
    public ModelEventReason eventReason() {
        return switch (action) {
            case ISSUED -> ModelEventReason.KeyIssued;
            case IMPORTED -> ModelEventReason.KeyImported;
            case RENAMED -> ModelEventReason.KeyRenamed;
            case EXPIRED -> ModelEventReason.KeyExpired;
            default -> reason.filter(r -> r == RevocationReason.ACCESS_CHANGED || r == RevocationReason.GROUPS_CHANGED)
                    .map(r -> ModelEventReason.KeyRevokedAutomatically).orElse(ModelEventReason.KeyRevoked);
        };
    }

    /** A sentence for the Kubernetes Event message. */
    public String describe() {
        var subject = "API key " + clientId + " of " + ownerUsername;
        return switch (action) {
            case ISSUED -> subject + " issued";
            case IMPORTED -> subject + " imported by " + actorUsername;
            case RENAMED -> subject + " renamed by " + actorUsername;
            case EXPIRED -> subject + " expired and was removed";
            default -> subject + " revoked by " + actorUsername + " (" + reason.map(RevocationReason::label).orElse("")
                    + bulk.map(scope -> ", in bulk: " + scope.describe()).orElse("") + ")";
        };
    }
}
