package dev.nebari.llm.portal;

import dev.nebari.llm.keys.ApiKey;
import dev.nebari.llm.keys.AuditRecord;
import dev.nebari.llm.keys.KeyIdentity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A key as the portal names it wherever one appears — "My keys", the revoke and rename pages and notices, the admin's
 * list and bulk preview, the audit: description, hint, client id, created, expires. The pages show it only through
 * the {@code keyHeads}, {@code keyCells} and {@code keyTerms} fragments of fragments.html, and notices through
 * {@link #label()}, so users and admins always name a key the same way. Never the key's value.
 *
 * @param expires      null for a key without expiry
 * @param expiringSoon the key expires within a week: the pages warn
 */
record KeyName(String clientId, String description, String hint, Instant created, @Nullable Instant expires,
        boolean expiringSoon) {

    static final Duration WARN_BEFORE_EXPIRY = Duration.ofDays(7);
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    static KeyName of(ApiKey key, Instant now) {
        var expires = key.metadata().expires().orElse(null);
        return of(key.clientId().value(), key.identity(), expires != null && expires.isBefore(now.plus(WARN_BEFORE_EXPIRY)));
    }

    /** The key as the audit record names it; empty for a refused mint and for records older than that. */
    static Optional<KeyName> of(AuditRecord record) {
        return record.key().map(identity -> of(record.clientId(), identity, false));
    }

    private static KeyName of(String clientId, KeyIdentity identity, boolean expiringSoon) {
        return new KeyName(clientId, identity.description(), identity.hint(), identity.created(),
                identity.expires().orElse(null), expiringSoon);
    }

    static String format(@Nullable Instant instant) {
        return instant == null ? "never" : SHOWN.format(instant);
    }

    public String descriptionText() {
        return description.isEmpty() ? "(no description)" : description;
    }

    public String hintText() {
        return "…" + hint;
    }

    public String createdText() {
        return format(created);
    }

    public String expiresText() {
        return format(expires);
    }

    /** For notices: “laptop” (…abcd, k1…, created 2026-03-01 10:00 UTC, expires 2026-03-31 10:00 UTC). */
    String label() {
        return (description.isEmpty() ? "(no description)" : "“" + description + "”") + " (" + hintText() + ", " + clientId
                + ", created " + createdText() + ", expires " + expiresText() + ")";
    }
}
