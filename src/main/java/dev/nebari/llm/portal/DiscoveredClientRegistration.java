package dev.nebari.llm.portal;

import dev.nebari.llm.identity.OidcLoginClient;
import dev.nebari.llm.identity.VerifiedIssuer;
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

    private final VerifiedIssuer issuer;
    private final OidcLoginClient client;
    private volatile @Nullable ClientRegistration registration;
    private volatile String problem = "";

    DiscoveredClientRegistration(VerifiedIssuer issuer, OidcLoginClient client) {
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
            // The provider's own spelling of the issuer: Spring checks that the discovery document names it.
            var builder = ClientRegistrations.fromIssuerLocation(issuer.require().issuer())
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
            problem = "";
            return known;
        } catch (RuntimeException e) {
            problem = e instanceof VerifiedIssuer.IssuerProblem ? e.getMessage()
                    : "The identity provider " + issuer.configured().url() + " cannot be reached (" + e.getMessage() + ").";
            log.warn("Portal sign-in unavailable: {}", problem);
            return null;
        }
    }

    /** Why the last attempt to discover the registration failed; empty once it succeeded. */
    String problem() {
        return problem;
    }
}
