package dev.nebari.llm.keys;

import java.util.Objects;

/**
 * Who performs a key operation, as decided by the identity layer: a user acting on their own keys, an admin, or
 * the pack itself (expiry sweep, automatic revocation).
 */
public record Actor(String subject, String username, Role role) {

    public enum Role { USER, ADMIN, SYSTEM }

    public static final Actor SYSTEM = new Actor("system:nebari-llm-serving", "nebari-llm-serving", Role.SYSTEM);

    public Actor {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
    }

    public static Actor user(KeyOwner owner) {
        return new Actor(owner.subject(), owner.username(), Role.USER);
    }

    public static Actor admin(String subject, String username) {
        return new Actor(subject, username, Role.ADMIN);
    }

    boolean mayManageKeysOf(String ownerSubject) {
        return role != Role.USER || subject.equals(ownerSubject);
    }
}
