package dev.nebari.llm.demo.idp;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the demo identity provider serves: its issuer (and so its port), the portal's client and the users.
 *
 * @param issuer       the issuer identifier, exactly as the portal is configured with it (auth.oidc.issuerURL)
 * @param clientId     the portal's client (portal.login.clientId)
 * @param clientSecret its secret (portal.login.clientSecret); never printed by this record
 * @param apiClientId  the public client of the OpenAPI page's Authorize (auth.oidc.apiClientId); empty: none
 * @param portalUrls   where the portal is reached (redirect URIs are built from each)
 */
public record IdentityProviderSetup(String issuer, String clientId, String clientSecret, String apiClientId,
        List<String> portalUrls, List<DemoUser> users) {

    /** The portal's OAuth 2.0 client registration id, in its redirect URI (/login/oauth2/code/{id}). */
    static final String PORTAL_REGISTRATION_ID = "nebari";
    /** Where Swagger UI (springdoc's default path) receives the authorization code in its pop-up. */
    static final String SWAGGER_UI_REDIRECT = "/swagger-ui/oauth2-redirect.html";

    public IdentityProviderSetup {
        Objects.requireNonNull(issuer, "issuer");
        portalUrls = List.copyOf(portalUrls);
        users = List.copyOf(users);
        var uri = URI.create(issuer);
        if (!"http".equals(uri.getScheme()) || !List.of("localhost", "127.0.0.1").contains(uri.getHost())
                || uri.getPort() <= 0) {
            throw new IllegalArgumentException("the demo identity provider serves only http://localhost:<port> "
                    + "(set auth.oidc.issuerURL to e.g. http://localhost:9000), not " + issuer);
        }
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("the demo identity provider registers the portal's client: set portal.login.clientId");
        }
    }

    int port() {
        return URI.create(issuer).getPort();
    }

    List<String> redirectUris() {
        return portalUrls.stream().map(url -> url + "/login/oauth2/code/" + PORTAL_REGISTRATION_ID).toList();
    }

    /** The OpenAPI page's redirect URIs, for {@link #apiClientId}. */
    List<String> swaggerUiRedirectUris() {
        return portalUrls.stream().map(url -> url + SWAGGER_UI_REDIRECT).toList();
    }

    /**
     * The token endpoint: Spring Authorization Server's default path, which its discovery document publishes.
     * Swagger UI posts the code there from the portal's pages, across origins.
     */
    public String tokenEndpoint() {
        return issuer + "/oauth2/token";
    }

    List<String> postLogoutRedirectUris() {
        return portalUrls.stream().map(url -> url + "/login?logout").toList();
    }

    Optional<DemoUser> user(String username) {
        return users.stream().filter(u -> u.username().equals(username)).findFirst();
    }

    @Override
    public String toString() {
        return "IdentityProviderSetup[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=(redacted), apiClientId="
                + apiClientId + ", portalUrls="
                + portalUrls + ", users=" + users + "]";
    }
}
