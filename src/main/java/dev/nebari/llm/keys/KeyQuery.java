package dev.nebari.llm.keys;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/** Which keys to list; empty fields match everything. */
public record KeyQuery(Optional<String> ownerSubject, Optional<ModelRef> model, Optional<Instant> expiringBefore) {

    public static KeyQuery all() {
        return new KeyQuery(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static KeyQuery ownedBy(String subject) {
        return all().withOwner(subject);
    }

    public static KeyQuery forModel(ModelRef model) {
        return all().withModel(model);
    }

    public KeyQuery withOwner(String subject) {
        return new KeyQuery(Optional.of(subject), model, expiringBefore);
    }

    public KeyQuery withModel(ModelRef model) {
        return new KeyQuery(ownerSubject, Optional.of(model), expiringBefore);
    }

    public KeyQuery withExpiringBefore(Instant instant) {
        return new KeyQuery(ownerSubject, model, Optional.of(instant));
    }

    Predicate<ApiKey> asPredicate() {
        return key -> ownerSubject.map(s -> s.equals(key.owner().subject())).orElse(true)
                && model.map(m -> m.equals(key.model())).orElse(true)
                && expiringBefore.map(t -> key.metadata().expires().map(e -> e.isBefore(t)).orElse(false)).orElse(true);
    }
}
