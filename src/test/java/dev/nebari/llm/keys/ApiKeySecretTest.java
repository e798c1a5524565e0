package dev.nebari.llm.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/** Key values: format, entropy, and redaction everywhere a value might be printed. */
class ApiKeySecretTest {

    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aKeyIsSkDashAnd43Base64UrlCharactersCarrying256RandomBits() {
        var key = ApiKeySecret.generate(RANDOM).reveal();

        assertThat(key).matches("sk-[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(key.substring(3))).hasSize(32); // 256 bits ≥ the 192 required
    }

    @Test
    void tenThousandKeysAreDistinctAndUseTheWholeAlphabetEvenly() {
        var keys = new HashSet<String>();
        var counts = new int[128];
        for (int i = 0; i < 10_000; i++) {
            var key = ApiKeySecret.generate(RANDOM).reveal();
            keys.add(key);
            // The last character carries only 4 random bits; count the 42 full ones.
            key.substring(3, 45).chars().forEach(c -> counts[c]++);
        }
        assertThat(keys).hasSize(10_000);
        var expected = 10_000 * 42 / 64.0;
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        alphabet.chars().forEach(c -> assertThat((double) counts[c]).as("count of %s", (char) c)
                .isBetween(expected * 0.9, expected * 1.1));
    }

    @Test
    void toStringRedactsTheValueAlsoInsideRecords() {
        var secret = ApiKeySecret.generate(RANDOM);
        var value = secret.reveal();

        assertThat(secret.toString()).isEqualTo("ApiKeySecret[redacted]");
        assertThat("key: " + secret).doesNotContain(value.substring(3));
        assertThat(String.format("%s", secret)).doesNotContain(value.substring(3));
    }

    @Test
    void theDisplayHintIsTheLastFourCharacters() {
        var secret = ApiKeySecret.generate(RANDOM);
        assertThat(secret.displayHint()).hasSize(4).isEqualTo(secret.reveal().substring(secret.reveal().length() - 4));
    }

    @Test
    void parsingAcceptsOnlyKeysAndNeverEchoesTheInput() {
        var valid = ApiKeySecret.generate(RANDOM);
        assertThat(ApiKeySecret.of(valid.reveal())).isEqualTo(valid);

        var almost = "sk-" + "x".repeat(42) + "!";
        assertThatThrownBy(() -> ApiKeySecret.of(almost)).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("xxxx");
        assertThatThrownBy(() -> ApiKeySecret.of("Bearer " + valid.reveal())).isInstanceOf(IllegalArgumentException.class);
    }
}
