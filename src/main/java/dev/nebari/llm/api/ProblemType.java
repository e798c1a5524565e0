package dev.nebari.llm.api;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * The stable {@code type} URIs of the API's RFC 9457 problem details. Clients branch on these, so a slug never
 * changes meaning; docs/rest-api.md lists them.
 */
enum ProblemType {

    INVALID_REQUEST("invalid-request", HttpStatus.BAD_REQUEST, "Invalid request"),
    INVALID_LIFETIME("invalid-lifetime", HttpStatus.BAD_REQUEST, "Key lifetime not allowed"),
    AUTHENTICATION_REQUIRED("authentication-required", HttpStatus.UNAUTHORIZED, "Authentication required"),
    ADMIN_ONLY("admin-only", HttpStatus.FORBIDDEN, "Admins only"),
    KEY_NOT_FOUND("key-not-found", HttpStatus.NOT_FOUND, "Key not found"),
    MODEL_NOT_FOUND("model-not-found", HttpStatus.NOT_FOUND, "Model not found"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    REQUEST_TOO_LARGE("request-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request too large"),
    TOO_MANY_REQUESTS("too-many-requests", HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
    KEY_LIMIT_REACHED("key-limit-reached", HttpStatus.CONFLICT, "Key limit reached"),
    KEY_STORE_UNAVAILABLE("key-store-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Key store unavailable"),
    USAGE_UNAVAILABLE("usage-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Usage unavailable"),
    IDENTITY_PROVIDER_UNAVAILABLE("identity-provider-unavailable", HttpStatus.SERVICE_UNAVAILABLE,
            "Identity provider unavailable"),
    INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    static final String BASE = "https://nebari.dev/problems/";

    private final URI type;
    private final HttpStatus status;
    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.type = URI.create(BASE + slug);
        this.status = status;
        this.title = title;
    }

    URI type() {
        return type;
    }

    HttpStatus status() {
        return status;
    }

    String title() {
        return title;
    }

    /** The type for a status Spring MVC reports itself (unreadable body, wrong method, ...). */
    static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> AUTHENTICATION_REQUIRED;
            case 403 -> ADMIN_ONLY;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 413 -> REQUEST_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> TOO_MANY_REQUESTS;
            case 503 -> KEY_STORE_UNAVAILABLE;
            default -> status >= 500 ? INTERNAL_ERROR : INVALID_REQUEST;
        };
    }
}
