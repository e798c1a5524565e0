package dev.nebari.llm.usage;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one key (or, summed, a user's or a model's keys) used.
 *
 * @param lastUsed  when the gateway last counted a request with it (to the minute within the last day, to the hour
 *                  before); empty when not within 30 days
 * @param lastDay   tokens over the last 24 hours
 * @param last30Days tokens over the last 30 days
 */
public record KeyUsage(Optional<Instant> lastUsed, TokenCounts lastDay, TokenCounts last30Days) {

    public static final KeyUsage NONE = new KeyUsage(Optional.empty(), TokenCounts.NONE, TokenCounts.NONE);

    public KeyUsage plus(KeyUsage other) {
        return new KeyUsage(latest(lastUsed.orElse(null), other.lastUsed.orElse(null)),
                lastDay.plus(other.lastDay), last30Days.plus(other.last30Days));
    }

    private static Optional<Instant> latest(@Nullable Instant a, @Nullable Instant b) {
        if (a == null || b == null) {
            return Optional.ofNullable(a != null ? a : b);
        }
        return Optional.of(a.isAfter(b) ? a : b);
    }
}
