package dev.nebari.llm.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.platform.PackSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lifetimes follow keys.defaultTTL, keys.maxTTL and keys.allowNoExpiry. */
class KeyLifetimeTest {

    static final PackSettings.Keys RULES =
            new PackSettings.Keys(Duration.ofDays(90), Duration.ofDays(365), false, 5, Duration.ofSeconds(60), 30);
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void withoutAChoiceAKeyGetsTheDefaultLifetime() {
        assertThat(KeyLifetime.resolve(Optional.empty(), RULES).expiresAt(NOW)).contains(NOW.plus(Duration.ofDays(90)));
    }

    @Test
    void aChosenLifetimeUpToTheMaximumIsKept() {
        assertThat(KeyLifetime.resolve(Optional.of(KeyLifetime.of(Duration.ofDays(365))), RULES).expiresAt(NOW))
                .contains(NOW.plus(Duration.ofDays(365)));
    }

    @Test
    void aLifetimeAboveTheMaximumIsRefusedNamingTheLimit() {
        assertThatThrownBy(() -> KeyLifetime.resolve(Optional.of(KeyLifetime.of(Duration.ofDays(366))), RULES))
                .isInstanceOf(KeyException.InvalidLifetime.class).hasMessageContaining("365 days");
    }

    @Test
    void noExpiryOnlyWhenTheAdminAllowsIt() {
        assertThatThrownBy(() -> KeyLifetime.resolve(Optional.of(KeyLifetime.noExpiry()), RULES))
                .isInstanceOf(KeyException.InvalidLifetime.class);
        var permissive = new PackSettings.Keys(Duration.ofDays(90), Duration.ofDays(365), true, 5, Duration.ofSeconds(60), 30);
        assertThat(KeyLifetime.resolve(Optional.of(KeyLifetime.noExpiry()), permissive).expiresAt(NOW)).isEmpty();
    }

    @Test
    void zeroAndNegativeLifetimesAreRefused() {
        assertThatThrownBy(() -> KeyLifetime.of(Duration.ZERO)).isInstanceOf(KeyException.InvalidLifetime.class);
        assertThatThrownBy(() -> KeyLifetime.of(Duration.ofHours(-1))).isInstanceOf(KeyException.InvalidLifetime.class);
    }

    @Test
    void descriptionsAreAtMost200CharactersWithoutLineBreaks() {
        assertThat(KeyMetadata.checkDescription("é".repeat(200))).hasSize(200);
        assertThatThrownBy(() -> KeyMetadata.checkDescription("x".repeat(201))).isInstanceOf(KeyException.InvalidRequest.class);
        assertThatThrownBy(() -> KeyMetadata.checkDescription("a\nb")).isInstanceOf(KeyException.InvalidRequest.class);
    }
}
