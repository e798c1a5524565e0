package dev.nebari.llm.keys;

import dev.nebari.llm.keys.events.RevocationReason;
import java.time.Instant;
import java.util.Optional;

/**
 * One audited key operation: who did what to which key of which model, and why. Never holds a key value.
 *
 * @param action {@code issued}, {@code revoked} or {@code expired}
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
        Optional<RevocationReason> reason) {

    public static final String ISSUED = "issued";
    public static final String REVOKED = "revoked";
    public static final String EXPIRED = "expired";

    static AuditRecord issued(Instant at, ApiKey key, Actor actor) {
        return new AuditRecord(at, ISSUED, key.clientId().value(), key.model(), key.owner().subject(),
                key.owner().username(), actor.subject(), actor.username(), actor.role(), Optional.empty());
    }

    static AuditRecord revoked(Instant at, ApiKey key, Actor actor, RevocationReason reason) {
        return new AuditRecord(at, reason == RevocationReason.EXPIRED ? EXPIRED : REVOKED, key.clientId().value(),
                key.model(), key.owner().subject(), key.owner().username(), actor.subject(), actor.username(),
                actor.role(), Optional.of(reason));
    }

    /** The Kubernetes Event reason: stable, CamelCase, one per kind of change. */
    public String eventReason() {
        return switch (action) {
            case ISSUED -> "KeyIssued";
            case EXPIRED -> "KeyExpired";
            default -> reason.filter(r -> r == RevocationReason.ACCESS_CHANGED || r == RevocationReason.GROUPS_CHANGED)
                    .map(r -> "KeyRevokedAutomatically").orElse("KeyRevoked");
        };
    }

    /** A sentence for the Kubernetes Event message. */
    public String describe() {
        var subject = "API key " + clientId + " of " + ownerUsername;
        return switch (action) {
            case ISSUED -> subject + " issued";
            case EXPIRED -> subject + " expired and was removed";
            default -> subject + " revoked by " + actorUsername + " (" + reason.map(RevocationReason::label).orElse("") + ")";
        };
    }
}
