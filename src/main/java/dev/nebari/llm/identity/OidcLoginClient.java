package dev.nebari.llm.identity;

import java.util.Objects;

/**
 * The portal's OIDC client, for the authorization-code login.
 *
 * @param clientId     the client id registered with the issuer
 * @param clientSecret its secret; empty for a public client (PKCE alone). Never printed.
 * @param source       where they came from, for log lines and error messages
 */
public record OidcLoginClient(String clientId, String clientSecret, String source) {

    public OidcLoginClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(source, "source");
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("an OIDC client needs a client id");
        }
    }

    @Override
    public String toString() {
        return "OidcLoginClient[clientId=" + clientId + ", clientSecret=" + (clientSecret.isEmpty() ? "(none)" : "(redacted)")
                + ", source=" + source + "]";
    }
}
