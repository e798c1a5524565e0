package dev.nebari.llm.keys;

import dev.nebari.llm.platform.PackSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How long a key lives: a positive duration, or no expiry. Values are checked against the pack's rules
 * ({@code keys.maxTTL}, {@code keys.allowNoExpiry}) by {@link #resolve}, which also applies {@code keys.defaultTTL}
 * when the user does not choose.
 */
public sealed interface KeyLifetime {

    /** When a key created at {@code created} expires; empty for no expiry. */
    Optional<Instant> expiresAt(Instant created);

    record Limited(Duration duration) implements KeyLifetime {
        public Limited {
            if (duration.isNegative() || duration.isZero()) {
                throw new KeyException.InvalidLifetime("A key lifetime must be positive.");
            }
        }

        @Override
        public Optional<Instant> expiresAt(Instant created) {
            return Optional.of(created.plus(duration));
        }
    }

    record NoExpiry() implements KeyLifetime {
        @Override
        public Optional<Instant> expiresAt(Instant created) {
            return Optional.empty();
        }
    }

    static KeyLifetime of(Duration duration) {
        return new Limited(duration);
    }

    static KeyLifetime noExpiry() {
        return new NoExpiry();
    }

    /**
     * Reads the lifetime syntax users type and forms send: days ({@code 30d}), hours ({@code 12h}) or {@code never};
     * empty (blank) for the default lifetime. The pack's rules are checked later, by {@link #resolve}.
     */
    static Optional<KeyLifetime> parse(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        var value = text.strip();
        if (value.equals("never")) {
            return Optional.of(noExpiry());
        }
        if (!value.matches(SYNTAX)) {
            throw new KeyException.InvalidLifetime("A lifetime is a number of days or hours such as 30d or 12h, or never.");
        }
        var amount = Long.parseLong(value.substring(0, value.length() - 1));
        return Optional.of(of(value.endsWith("d") ? Duration.ofDays(amount) : Duration.ofHours(amount)));
    }

    /** What {@link #parse} accepts besides {@code never}. */
    String SYNTAX = "[1-9][0-9]{0,5}[dh]";

    /** The lifetime a new key gets: the requested one if the rules allow it, else {@code keys.defaultTTL}. */
    static KeyLifetime resolve(Optional<KeyLifetime> requested, PackSettings.Keys rules) {
        var lifetime = requested.orElseGet(() -> new Limited(rules.defaultTTL()));
        switch (lifetime) {
            case NoExpiry n when !rules.allowNoExpiry() ->
                    throw new KeyException.InvalidLifetime("Keys without expiry are not allowed here; choose a lifetime of at most "
                            + describe(rules.maxTTL()) + ".");
            case Limited limited when limited.duration().compareTo(rules.maxTTL()) > 0 ->
                    throw new KeyException.InvalidLifetime("A key may live at most " + describe(rules.maxTTL())
                            + " (keys.maxTTL).");
            default -> {
            }
        }
        return lifetime;
    }

    /** "90 days", "12 hours" or ISO-8601 for odd values: for messages people read. */
    private static String describe(Duration duration) {
        if (duration.toHours() % 24 == 0 && duration.toDays() > 0 && duration.toSeconds() % 3600 == 0) {
            return duration.toDays() + " days";
        }
        if (duration.toSeconds() % 3600 == 0) {
            return duration.toHours() + " hours";
        }
        return duration.toString();
    }
}
