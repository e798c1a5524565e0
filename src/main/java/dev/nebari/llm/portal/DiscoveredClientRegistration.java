package dev.nebari.llm.portal;

import dev.nebari.llm.identity.OidcIssuer;
import dev.nebari.llm.identity.OidcLoginClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The portal's one client registration ({@code nebari}), built from the issuer's discovery document the first time
 * someone signs in rather than at start-up: the portal must start (and serve the REST API) while the identity
 * provider is still coming up, and a provider that is down shows up as a clear message on the sign-in page.
 * Once discovered, the registration is kept; the issuer is fixed for the life of the process.
 */
final class DiscoveredClientRegistration implements ClientRegistrationRepository {

    static final String REGISTRATION_ID = "nebari";
    private static final Logger log = LoggerFactory.getLogger(DiscoveredClientRegistration.class);

    private final OidcIssuer issuer;
    private final OidcLoginClient client;
    private volatile @Nullable ClientRegistration registration;

    DiscoveredClientRegistration(OidcIssuer issuer, OidcLoginClient client) {
        this.issuer = issuer;
        this.client = client;
    }

    @Override
    public @Nullable ClientRegistration findByRegistrationId(String registrationId) {
        return REGISTRATION_ID.equals(registrationId) ? current() : null;
    }

    /** The registration, discovering it now if needed; null while the issuer cannot be reached. */
    @Nullable ClientRegistration current() {
        var known = registration;
        if (known != null) {
            return known;
        }
        try {
            var builder = ClientRegistrations.fromIssuerLocation(issuer.url())
                    .registrationId(REGISTRATION_ID)
                    .clientName("Nebari")
                    .clientId(client.clientId())
                    .scope("openid", "profile", "email")
                    .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}");
            if (client.clientSecret().isEmpty()) {
                builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
            } else {
                builder.clientSecret(client.clientSecret());
            }
            known = builder.build();
            registration = known;
            return known;
        } catch (RuntimeException e) {
            log.warn("Cannot read the discovery document of OIDC issuer {}: {}", issuer.url(), e.getMessage());
            return null;
        }
    }
}
