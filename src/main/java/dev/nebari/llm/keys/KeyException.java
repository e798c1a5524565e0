package dev.nebari.llm.keys;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Why a key operation was refused or failed. Messages are meant for the user who asked, as the portal and the REST
 * API show them: sentences, capitalised and ending with a full stop (UserMessagesTest). They never contain key
 * material (a key value never reaches a code path that builds an exception).
 */
public abstract sealed class KeyException extends RuntimeException
        permits KeyException.ModelAccessDenied, KeyException.KeyLimitReached, KeyException.InvalidLifetime,
        KeyException.InvalidRequest, KeyException.KeyNotFound, KeyException.AdminOnly, KeyException.NotKeyOwner,
        KeyException.StoreUnavailable, KeyException.TooManyWrites {

    KeyException(String message) {
        super(message, null, false, false);
    }

    KeyException(String message, @Nullable Throwable cause) {
        super(message, cause, false, false);
    }

    /** A stable code for audit records and API problem types, e.g. {@code key-limit-reached}. */
    public abstract String code();

    /** The user may not use the model (not public, and none of their groups is listed in its access). */
    public static final class ModelAccessDenied extends KeyException {
        @Override
        public String code() {
            return "model-access-denied";
        }

        private final ModelRef model;

        public ModelAccessDenied(ModelRef model) {
            super("You may not use model " + model + ": it is not public and none of your groups is allowed.");
            this.model = model;
        }

        /**
         * The model asked for. The portal and the API answer as for a model that does not exist, never with this
         * message: which models exist beyond the caller's is not the caller's business.
         */
        public ModelRef model() {
            return model;
        }
    }

    /** The user already holds {@code keys.maxPerUserPerModel} keys for the model. */
    public static final class KeyLimitReached extends KeyException {
        @Override
        public String code() {
            return "key-limit-reached";
        }

        public KeyLimitReached(ModelRef model, int limit) {
            super("You already have " + limit + " keys for model " + model + " (the limit); revoke one first.");
        }
    }

    /** The requested lifetime breaks the pack's rules. */
    public static final class InvalidLifetime extends KeyException {
        @Override
        public String code() {
            return "invalid-lifetime";
        }

        public InvalidLifetime(String message) {
            super(message);
        }
    }

    /** The description or another request field is not acceptable. */
    public static final class InvalidRequest extends KeyException {
        @Override
        public String code() {
            return "invalid-request";
        }

        public InvalidRequest(String message) {
            super(message);
        }
    }

    /** No key with that client id exists (never existed, or already revoked). */
    public static final class KeyNotFound extends KeyException {
        @Override
        public String code() {
            return "key-not-found";
        }

        public KeyNotFound(ClientId clientId) {
            super("There is no key with client id " + clientId + ".");
        }
    }

    /** Only admins may do this (bulk revocation). */
    public static final class AdminOnly extends KeyException {
        @Override
        public String code() {
            return "admin-only";
        }

        public AdminOnly(String operation) {
            super("Only an admin may " + operation + ".");
        }
    }

    /** A user tried to rename or revoke someone else's key. */
    public static final class NotKeyOwner extends KeyException {
        @Override
        public String code() {
            return "not-key-owner";
        }

        public NotKeyOwner(ClientId clientId) {
            super("Key " + clientId + " belongs to another user; only its owner or an admin may change or revoke it.");
        }
    }

    /** The key store could not be read or written (API server unavailable, too many conflicts). */
    public static final class StoreUnavailable extends KeyException {
        @Override
        public String code() {
            return "key-store-unavailable";
        }

        public StoreUnavailable(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    /** The user minted or revoked keys more often than {@code keys.writesPerMinute} allows. */
    public static final class TooManyWrites extends KeyException {
        @Override
        public String code() {
            return "too-many-requests";
        }

        private final long retryAfterSeconds;

        TooManyWrites(int perMinute, Duration retryAfter) {
            this(perMinute, Math.max(1, (retryAfter.toMillis() + 999) / 1000));
        }

        private TooManyWrites(int perMinute, long retryAfterSeconds) {
            super("You may create or revoke at most " + perMinute + " keys a minute; try again in " + retryAfterSeconds + " "
                    + (retryAfterSeconds == 1 ? "second" : "seconds") + ".");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        /** Whole seconds, rounded up, for a Retry-After header. */
        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
