package dev.nebari.llm.keys;

import java.util.Objects;

/** The user a key belongs to: the OIDC subject (stable) and the username (for people reading lists and logs). */
public record KeyOwner(String subject, String username) {

    public KeyOwner {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(username, "username");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("A key owner's subject must not be blank.");
        }
    }
}
