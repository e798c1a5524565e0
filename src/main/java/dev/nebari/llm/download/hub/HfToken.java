package dev.nebari.llm.download.hub;

import java.util.Optional;

/** A Hugging Face access token. Its {@code toString()} redacts so it cannot leak into logs or messages. */
public final class HfToken {

    private final String value;

    private HfToken(String value) {
        this.value = value;
    }

    /** Empty or blank values mean "no token", as {@code HF_TOKEN=} in a pod spec usually does. */
    public static Optional<HfToken> of(@org.jspecify.annotations.Nullable String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new HfToken(raw.strip()));
    }

    String authorizationHeader() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "HfToken[redacted]";
    }
}
