package dev.nebari.llm.testing;

import java.security.SecureRandom;
import java.util.Base64;

/** Key values in the Go predecessor's format (sk- and 32 base64url characters, 192 bits), for the migration tests. */
public final class PredecessorKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private PredecessorKeys() {
    }

    /** A fresh value: the keys namespace is shared between test classes, and one value is stored only once. */
    public static String newValue() {
        var bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
