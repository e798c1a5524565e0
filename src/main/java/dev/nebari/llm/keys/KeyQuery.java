package dev.nebari.llm.keys;

import java.text.Normalizer;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    /**
     * Keys of the user with this subject or username; a blank name leaves the query unchanged. Names are compared
     * in Unicode NFC, so a name typed with combining marks finds the same user; a space also matches a {@code +},
     * because a {@code +} typed unencoded into a URL's query arrives as a space.
     */
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
        var userSpellings = user.map(KeyQuery::spellings).orElse(Set.of());
        return key -> ownerSubject.map(s -> s.equals(key.owner().subject())).orElse(true)
                && (user.isEmpty() || userSpellings.contains(nfc(key.owner().subject()))
                        || userSpellings.contains(nfc(key.owner().username())))
                && model.map(m -> m.equals(key.model())).orElse(true)
                && expiringBefore.map(t -> key.metadata().expires().map(e -> e.isBefore(t)).orElse(false)).orElse(true);
    }

    private static Set<String> spellings(String name) {
        var normalised = nfc(name);
        return Stream.of(normalised, normalised.replace(' ', '+')).collect(Collectors.toUnmodifiableSet());
    }

    private static String nfc(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC);
    }
}
