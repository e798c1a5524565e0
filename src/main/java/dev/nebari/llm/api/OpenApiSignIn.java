package dev.nebari.llm.api;

import dev.nebari.llm.identity.OidcDiscovery;
import dev.nebari.llm.identity.OidcLoginClient;
import dev.nebari.llm.identity.VerifiedIssuer;
import dev.nebari.llm.platform.PackSettings;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.properties.SwaggerUiOAuthProperties;

/**
 * The OpenAPI page's Authorize: an OAuth 2 scheme {@value #SCHEME} whose authorization-code flow runs against the
 * configured issuer (endpoints from its discovery document, never a provider's usual paths), and Swagger UI preset
 * with a public client, so that signing in there (with PKCE:
 * {@code springdoc.swagger-ui.oauth.use-pkce-with-authorization-code-grant}) yields a token the API accepts. While the
 * discovery document cannot be read (the provider is down, or names another issuer) the document offers only the
 * pasted bearer token: a scheme without endpoints would be a broken button.
 */
final class OpenApiSignIn implements OpenApiCustomizer {

    static final String SCHEME = "oidc";

    private final VerifiedIssuer issuer;
    private final String clientId;

    OpenApiSignIn(VerifiedIssuer issuer, String clientId) {
        this.issuer = issuer;
        this.clientId = clientId;
    }

    /**
     * The client Swagger UI signs in as: {@code auth.oidc.apiClientId}, else the portal's own client when it is public.
     * A confidential client's secret must never be sent to a browser, so then none is preset (the user may type one).
     */
    static String clientFor(PackSettings.Oidc oidc, @Nullable OidcLoginClient portal) {
        if (!oidc.apiClientId().isBlank()) {
            return oidc.apiClientId().strip();
        }
        return portal != null && portal.clientSecret().isEmpty() ? portal.clientId() : "";
    }

    /** Swagger UI's {@code initOAuth}: the client id, filled in on the Authorize dialog. */
    void presetIn(SwaggerUiOAuthProperties swaggerUi) {
        if (!clientId.isEmpty()) {
            swaggerUi.setClientId(clientId);
        }
    }

    @Override
    public void customise(OpenAPI api) {
        provider()
                .filter(provider -> !provider.authorizationEndpoint().isEmpty() && !provider.tokenEndpoint().isEmpty())
                .ifPresent(provider -> {
                    var flow = new OAuthFlow().authorizationUrl(provider.authorizationEndpoint())
                            .tokenUrl(provider.tokenEndpoint()).scopes(new Scopes());
                    api.getComponents().addSecuritySchemes(SCHEME, new SecurityScheme().type(SecurityScheme.Type.OAUTH2)
                            .description(description(provider.issuer()))
                            .flows(new OAuthFlows().authorizationCode(flow)));
                    // A second requirement is an alternative to the bearer one: either authorizes every operation.
                    api.addSecurityItem(new SecurityRequirement().addList(SCHEME));
                });
    }

    /**
     * The provider's discovery document, fetched now if it is not cached (as the portal's sign-in does): right after
     * start-up the first fetch may have failed while the provider was still starting.
     */
    private Optional<OidcDiscovery.DiscoveredIssuer> provider() {
        try {
            return Optional.of(issuer.require());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private String description(String issuerUrl) {
        var client = clientId.isEmpty()
                ? "a public client of that issuer (the platform's admins set it as auth.oidc.apiClientId)"
                : "client " + clientId;
        return "Sign in at " + issuerUrl + " (authorization code with PKCE) as " + client + "; the access token is "
                + "then sent as a bearer token.";
    }
}
