package dev.nebari.llm.download.hub;

import java.io.IOException;

/**
 * The Hub answered with a listing we will not act on (a path outside the model directory, a digest that is not
 * one). Asking again gives the same answer, so this is not retried.
 */
public final class RefusedListingException extends IOException {

    RefusedListingException(String message, Throwable cause) {
        super(message, cause);
    }
}
