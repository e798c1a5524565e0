package dev.nebari.llm.keys;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which keys to list; empty fields match everything.
 *
 * @param ownerSubject the owner's subject, exactly
 * @param user         the owner's subject or username: admins know people by name, keys are owned by subject
 */
public record KeyQuery(Optional<String> ownerSubject, Optional<String> user, Optional<ModelRef> model,
        Optional<Instant> expiringBefore) {

    public static KeyQuery all() {
        return new KeyQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static KeyQuery ownedBy(String subject) {
        return all().withOwner(subject);
    }

    public static KeyQuery forModel(ModelRef model) {
        return all().withModel(model);
    }

    public KeyQuery withOwner(String subject) {
        return new KeyQuery(Optional.of(subject), user, model, expiringBefore);
    }

    /** Keys of the user with this subject or username; a blank name leaves the query unchanged. */
    public KeyQuery withUser(String subjectOrUsername) {
        var name = subjectOrUsername.strip();
        return name.isEmpty() ? this : new KeyQuery(ownerSubject, Optional.of(name), model, expiringBefore);
    }

    public KeyQuery withModel(ModelRef model) {
        return new KeyQuery(ownerSubject, user, Optional.of(model), expiringBefore);
    }

    public KeyQuery withExpiringBefore(Instant instant) {
        return new KeyQuery(ownerSubject, user, model, Optional.of(instant));
    }

    Predicate<ApiKey> asPredicate() {
        return key -> ownerSubject.map(s -> s.equals(key.owner().subject())).orElse(true)
                && user.map(u -> u.equals(key.owner().subject()) || u.equals(key.owner().username())).orElse(true)
                && model.map(m -> m.equals(key.model())).orElse(true)
                && expiringBefore.map(t -> key.metadata().expires().map(e -> e.isBefore(t)).orElse(false)).orElse(true);
    }
}
