package dev.nebari.llm.api;

import dev.nebari.llm.keys.KeyLifetime;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reads the API's lifetime syntax ({@code 30d}, {@code 12h}, {@code never}); the keys module checks the rules. */
final class KeyLifetimes {

    private KeyLifetimes() {
    }

    /** Empty for the default lifetime; the format was validated on the request body. */
    static Optional<KeyLifetime> parse(@Nullable String lifetime) {
        if (lifetime == null || lifetime.isBlank()) {
            return Optional.empty();
        }
        if (lifetime.equals("never")) {
            return Optional.of(KeyLifetime.noExpiry());
        }
        var amount = Long.parseLong(lifetime.substring(0, lifetime.length() - 1));
        return Optional.of(KeyLifetime.of(lifetime.endsWith("d") ? Duration.ofDays(amount) : Duration.ofHours(amount)));
    }
}
