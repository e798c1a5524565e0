package dev.nebari.llm.identity;

import java.util.List;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/**
 * Verifies bearer tokens: signature with a key from the issuer's JWKS (the {@code jwks_uri} of its discovery
 * document), issuer, expiry, and whom the token is for ({@link TokenAudience}).
 */
public final class BearerTokenDecoder {

    private BearerTokenDecoder() {
    }

    /**
     * Spring's issuer-location builder fetches the discovery document when it is built; wrapped in a supplier that
     * happens at the first token instead (and again after a failure), so a briefly unreachable provider does not
     * stop start-up. A token is verified once a minute, not at every request ({@link RecentlyVerifiedTokens}).
     */
    public static JwtDecoder forIssuer(VerifiedIssuer issuer, TokenAudience audience) {
        return new RecentlyVerifiedTokens(new SupplierJwtDecoder(() -> {
            // The provider's own spelling of the issuer: the one its discovery document and its tokens carry.
            var provider = issuer.require().issuer();
            var decoder = NimbusJwtDecoder.withIssuerLocation(provider).build();
            decoder.setJwtValidator(validator(provider, audience));
            return decoder;
        }));
    }

    /**
     * Spring's default validators check {@code exp} only when it is present; a token without it would never
     * expire, so it is required here.
     */
    static OAuth2TokenValidator<Jwt> validator(String issuer, TokenAudience audience) {
        return new DelegatingOAuth2TokenValidator<>(List.of(
                JwtValidators.createDefaultWithIssuer(issuer),
                new JwtClaimValidator<>(JwtClaimNames.EXP, exp -> exp != null),
                audience));
    }
}
