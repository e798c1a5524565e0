package dev.nebari.llm.keys;

import java.util.regex.Pattern;

/**
 * Identifies one API key at the gateway: the data key of the key's entry in a credential Secret, the value of the
 * {@code x-llm-client-id} header the gateway forwards, and the principal in the model's allow-list. Client ids
 * are globally unique and never reused (see {@code ClientIdAllocator}), because the gateway treats a duplicate as
 * an error and a reused id would let an old allow-list entry admit a new key.
 *
 * <p>The format ({@code k} + 11 time-ordered + 4 random lowercase base32 characters) satisfies every place the id
 * appears: a Secret data key ({@code [-._a-zA-Z0-9]+}), the name part of an annotation key (≤ 63 characters,
 * alphanumeric at both ends) and an HTTP header value.
 */
public record ClientId(String value) implements Comparable<ClientId> {

    public static final int MAX_LENGTH = 63;
    private static final Pattern FORMAT = Pattern.compile("k[0-9a-v]{15}");

    public ClientId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("Not a client id: " + value + ".");
        }
    }

    /** True when {@code value} has the client-id format (e.g. a data key found in a Secret). */
    public static boolean isValid(String value) {
        return FORMAT.matcher(value).matches();
    }

    @Override
    public int compareTo(ClientId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
