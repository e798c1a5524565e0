package dev.nebari.llm.portal;

import java.net.URI;

/**
 * The pages load only their own stylesheet and script, are never framed, and post forms only to themselves and
 * to the issuer: Chromium applies {@code form-action} to the redirects after a post as well, and signing out
 * posts to {@code /logout}, which redirects to the issuer's end-session endpoint.
 */
final class ContentSecurityPolicy {

    private ContentSecurityPolicy() {
    }

    static String forIssuer(String issuerUrl) {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "form-action 'self' " + origin(issuerUrl) + "; frame-ancestors 'none'; base-uri 'none'";
    }

    /** scheme://host[:port] of the issuer, the unit CSP source expressions speak. */
    static String origin(String url) {
        var uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
