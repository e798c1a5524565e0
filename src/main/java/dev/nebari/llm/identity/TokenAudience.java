package dev.nebari.llm.identity;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Whom a bearer token must be meant for. Every client of a realm gets tokens from the same issuer, so issuer and
 * signature alone would let any relying party that holds users' tokens mint keys in their name. A token is
 * accepted when its {@code aud} lists {@code auth.oidc.audience} (if set), or when it was issued to an authorized
 * party: its {@code azp} (Keycloak's way) — or, without {@code azp}, its {@code aud} (the OAuth 2 authorization
 * server's way) — is the portal's own client, {@code auth.oidc.apiClientId} or one of
 * {@code auth.oidc.authorizedParties}. ID tokens are refused: they prove a sign-in to a client, they do not authorize
 * calls.
 *
 * @param audience the required audience; blank: only authorized parties
 * @param parties  client ids whose tokens are accepted (the portal's own client among them)
 */
public record TokenAudience(String audience, Set<String> parties) implements OAuth2TokenValidator<Jwt> {

    static final String ID_TOKEN = "id_token_refused";
    static final String WRONG_PARTY = "unauthorized_party";

    public TokenAudience {
        parties = Set.copyOf(parties);
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        var type = token.getClaimAsString("typ");
        if (type != null && type.toLowerCase(Locale.ROOT).equals("id")) {
            return OAuth2TokenValidatorResult.failure(new OAuth2Error(ID_TOKEN,
                    "The token is an ID token (typ ID), not an access token", null));
        }
        var audiences = token.getAudience() == null ? List.<String>of() : token.getAudience();
        if (!audience.isBlank() && audiences.contains(audience)) {
            return OAuth2TokenValidatorResult.success();
        }
        var party = token.getClaimAsString("azp");
        var fromParty = party != null ? parties.contains(party) : audiences.stream().anyMatch(parties::contains);
        if (fromParty) {
            return OAuth2TokenValidatorResult.success();
        }
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(WRONG_PARTY,
                "The token was issued to client " + (party != null ? party : String.join(", ", audiences))
                        + ", not to a party this API accepts", null));
    }
}
