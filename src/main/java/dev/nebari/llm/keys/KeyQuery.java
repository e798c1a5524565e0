package dev.nebari.llm.keys;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which keys to list; empty fields match everything.
 *
 * @param ownerSubject the owner's subject, exactly
 * @param user         the owner's subject or username: admins know people by name, keys are owned by subject
 * @param userMatching any part of the owner's subject or username, in any case: how admins look people up
 */
public record KeyQuery(Optional<String> ownerSubject, Optional<String> user, Optional<String> userMatching,
        Optional<ModelRef> model, Optional<Instant> expiringBefore) {

    public static KeyQuery all() {
        return new KeyQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static KeyQuery ownedBy(String subject) {
        return all().withOwner(subject);
    }

    public static KeyQuery forModel(ModelRef model) {
        return all().withModel(model);
    }

    public KeyQuery withOwner(String subject) {
        return new KeyQuery(Optional.of(subject), user, userMatching, model, expiringBefore);
    }

    /**
     * Keys of the user with exactly this subject or username (as {@link UserName#exactly} compares them); a blank
     * name leaves the query unchanged.
     */
    public KeyQuery withUser(String subjectOrUsername) {
        var name = subjectOrUsername.strip();
        return name.isEmpty() ? this : new KeyQuery(ownerSubject, Optional.of(name), userMatching, model, expiringBefore);
    }

    /** Keys of every user whose subject or username contains this, in any case; a blank name leaves the query unchanged. */
    public KeyQuery withUserMatching(String partOfName) {
        var name = partOfName.strip();
        return name.isEmpty() ? this : new KeyQuery(ownerSubject, user, Optional.of(name), model, expiringBefore);
    }

    public KeyQuery withModel(ModelRef model) {
        return new KeyQuery(ownerSubject, user, userMatching, Optional.of(model), expiringBefore);
    }

    public KeyQuery withExpiringBefore(Instant instant) {
        return new KeyQuery(ownerSubject, user, userMatching, model, Optional.of(instant));
    }

    /** What a bulk revocation with this query names, for the audit. */
    BulkScope bulkScope() {
        return new BulkScope(user.or(() -> ownerSubject).or(() -> userMatching), model);
    }

    Predicate<ApiKey> asPredicate() {
        var named = user.map(UserName::exactly);
        var matching = userMatching.map(UserName::matching);
        return key -> ownerSubject.map(s -> s.equals(key.owner().subject())).orElse(true)
                && named.map(n -> n.test(key.owner().subject()) || n.test(key.owner().username())).orElse(true)
                && matching.map(m -> m.test(key.owner().subject()) || m.test(key.owner().username())).orElse(true)
                && model.map(m -> m.equals(key.model())).orElse(true)
                && expiringBefore.map(t -> key.metadata().expires().map(e -> e.isBefore(t)).orElse(false)).orElse(true);
    }
}
