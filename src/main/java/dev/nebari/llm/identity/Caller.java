package dev.nebari.llm.identity;

import dev.nebari.llm.model.GroupNames;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, from a verified token.
 *
 * @param subject  the token's {@code sub}: stable, what keys are owned by
 * @param username for people: {@code preferred_username}, else {@code email}, else the subject
 * @param groups   the groups claim, normalised by {@link GroupNames}
 * @param admin    member of one of {@code auth.adminGroups}
 */
public record Caller(String subject, String username, Set<String> groups, boolean admin) {

    /** The Spring Security authority of members of {@code auth.adminGroups}, on the API and on the portal's pages. */
    public static final String ADMIN_AUTHORITY = "nebari:admin";

    public Caller {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(username, "username");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("a caller needs a subject");
        }
        groups = Set.copyOf(groups);
    }
}
