package dev.nebari.llm.identity;

import java.util.Objects;

/**
 * The OIDC issuer whose tokens the portal and REST API accept.
 *
 * @param url    the issuer identifier, compared exactly with a token's {@code iss}
 * @param source where it came from, for log lines and error messages
 */
public record OidcIssuer(String url, String source) {

    public OidcIssuer {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(source, "source");
        if (url.isBlank()) {
            throw new IllegalArgumentException("an OIDC issuer needs a URL");
        }
    }
}
