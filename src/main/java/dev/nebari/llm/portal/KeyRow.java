package dev.nebari.llm.portal;

import dev.nebari.llm.keys.ApiKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * A stored key as the tables show it; never its value.
 *
 * @param expires      null for a key without expiry
 * @param expiringSoon the key expires within a week: the page warns
 */
record KeyRow(String clientId, String model, String ownerUsername, String ownerSubject, String description,
        Instant created, @Nullable Instant expires, String hint, boolean expiringSoon) {

    static final Duration WARN_BEFORE_EXPIRY = Duration.ofDays(7);
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    static KeyRow of(ApiKey key, Instant now) {
        var metadata = key.metadata();
        var expires = metadata.expires().orElse(null);
        return new KeyRow(key.clientId().value(), key.model().toString(), key.owner().username(), key.owner().subject(),
                metadata.description(), metadata.created(), expires, metadata.displayHint(),
                expires != null && expires.isBefore(now.plus(WARN_BEFORE_EXPIRY)));
    }

    static String format(@Nullable Instant instant) {
        return instant == null ? "never" : SHOWN.format(instant);
    }

    public String createdText() {
        return format(created);
    }

    public String expiresText() {
        return format(expires);
    }

    /** How a person tells this key from their others: description, hint and client id, e.g. "laptop" (…abcd, k1…). */
    String label() {
        return (description.isEmpty() ? "(no description)" : "\"" + description + "\"") + " (…" + hint + ", " + clientId + ")";
    }
}
