package dev.nebari.llm.download.hub;

import java.io.IOException;

/**
 * The Hub (or its CDN) answered with an HTTP error. {@code errorCode} is the Hub's {@code X-Error-Code} header
 * (for example {@code RepoNotFound}, {@code RevisionNotFound}, {@code GatedRepo}), empty when absent.
 */
public final class HubStatusException extends IOException {

    private final int status;
    private final String errorCode;
    private final boolean fromEndpointHost;

    public HubStatusException(int status, String errorCode, boolean fromEndpointHost, String what) {
        super("HTTP " + status + (errorCode.isEmpty() ? "" : " (" + errorCode + ")") + " for " + what);
        this.status = status;
        this.errorCode = errorCode;
        this.fromEndpointHost = fromEndpointHost;
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    /** False when a CDN host answered; its 403 usually means an expired signed URL, not a missing permission. */
    public boolean fromEndpointHost() {
        return fromEndpointHost;
    }

    public boolean isRetryable() {
        return status >= 500 || status == 429 || status == 408;
    }
}
