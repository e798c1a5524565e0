package dev.nebari.llm.keys;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The value of an API key: what a client sends as {@code Authorization: Bearer sk-…} and what Envoy compares in
 * plaintext. It is shown to its owner once and otherwise only travels to the key Secret. {@link #toString()}
 * redacts, so string concatenation, logging frameworks and exception messages never see the value; callers that
 * really need it (the one-time display, the storage encoder) ask for {@link #reveal()} by name.
 */
public final class ApiKeySecret {

    public static final String PREFIX = "sk-";
    /** 32 random bytes = 256 bits; base64url without padding gives 43 characters. */
    static final int RANDOM_BYTES = 32;
    static final int ENCODED_LENGTH = 43;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String value;

    private ApiKeySecret(String value) {
        this.value = value;
    }

    /** A new key from the given CSPRNG. */
    public static ApiKeySecret generate(SecureRandom random) {
        var bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return new ApiKeySecret(PREFIX + ENCODER.encodeToString(bytes));
    }

    /** A key read back from storage; the format is checked so a corrupted entry is not mistaken for a key. */
    public static ApiKeySecret of(String value) {
        Objects.requireNonNull(value, "value");
        if (!value.startsWith(PREFIX) || value.length() != PREFIX.length() + ENCODED_LENGTH
                || !value.substring(PREFIX.length()).chars().allMatch(ApiKeySecret::isBase64Url)) {
            // Deliberately says nothing about the value itself.
            throw new IllegalArgumentException("Not an API key: expected sk- followed by 43 base64url characters.");
        }
        return new ApiKeySecret(value);
    }

    /**
     * A key made elsewhere (the predecessor's are sk- and 32 base64url characters, 192 bits), to be imported as it is:
     * at least 32 random characters after the prefix, at most 128.
     */
    public static ApiKeySecret imported(String value) {
        Objects.requireNonNull(value, "value");
        var random = value.startsWith(PREFIX) ? value.substring(PREFIX.length()) : "";
        if (random.length() < 32 || random.length() > 128 || !random.chars().allMatch(ApiKeySecret::isBase64Url)) {
            throw new IllegalArgumentException("Not an importable API key: expected sk- followed by 32 to 128 base64url characters.");
        }
        return new ApiKeySecret(value);
    }

    private static boolean isBase64Url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** The plaintext. Only for the one-time display to the owner and for the Secret's data. */
    public String reveal() {
        return value;
    }

    /** The last four characters: enough for a user to tell keys apart, far too little to guess one. */
    public String displayHint() {
        return value.substring(value.length() - 4);
    }

    @Override
    public boolean equals(Object other) {
        // Constant time, so a comparison can never become a timing oracle.
        return other instanceof ApiKeySecret that
                && MessageDigest.isEqual(value.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        that.value.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "ApiKeySecret[redacted]";
    }
}
