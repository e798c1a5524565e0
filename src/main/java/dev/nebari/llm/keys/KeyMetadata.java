package dev.nebari.llm.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the pack records about a key, stored in the same Secret as the key so the two are written atomically.
 *
 * @param grantedByPublic the model was public when the key was minted
 * @param grantingGroups  the user's groups that the model's access listed at mint time (sorted): the basis for
 *                        revoking the key when the model's access or the user's groups change
 * @param displayHint     the last four characters of the key, so users can tell their keys apart
 */
public record KeyMetadata(
        KeyOwner owner,
        ModelRef model,
        String description,
        Instant created,
        Optional<Instant> expires,
        boolean grantedByPublic,
        List<String> grantingGroups,
        String displayHint) {

    public static final int MAX_DESCRIPTION_LENGTH = 200;

    public KeyMetadata {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(displayHint, "displayHint");
        description = checkDescription(description);
        grantingGroups = grantingGroups.stream().sorted().distinct().toList();
    }

    /** Checks a user-supplied description: at most 200 characters, no control characters. */
    public static String checkDescription(String description) {
        Objects.requireNonNull(description, "description");
        if (description.codePointCount(0, description.length()) > MAX_DESCRIPTION_LENGTH) {
            throw new KeyException.InvalidRequest("The description may have at most " + MAX_DESCRIPTION_LENGTH + " characters.");
        }
        if (description.codePoints().anyMatch(Character::isISOControl)) {
            throw new KeyException.InvalidRequest("The description may not contain control characters such as line breaks.");
        }
        return description;
    }

    /** How long the key was made to live (created to expires); empty for a key without expiry. */
    public Optional<Duration> lifetime() {
        return expires.map(end -> Duration.between(created, end));
    }

    /** The same key with another description (checked as on mint). */
    public KeyMetadata withDescription(String description) {
        return new KeyMetadata(owner, model, description, created, expires, grantedByPublic, grantingGroups, displayHint);
    }

    public boolean isExpiredAt(Instant now) {
        return expires.map(e -> !e.isAfter(now)).orElse(false);
    }
}
