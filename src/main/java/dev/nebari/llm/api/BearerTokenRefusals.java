package dev.nebari.llm.api;

import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

/**
 * Says why a bearer token was refused, in words a caller can act on, and logs each kind of refusal once in a while:
 * a whole realm locked out by one setting (an audience its tokens do not carry) should be visible in the log, not
 * only in a {@code WWW-Authenticate} header. The token itself never appears; the reasons come from Spring's
 * validators, which name claims, not values.
 */
final class BearerTokenRefusals {

    private static final Logger log = LoggerFactory.getLogger(BearerTokenRefusals.class);
    static final Duration LOG_EVERY = Duration.ofMinutes(10);
    private static final String DECODE_PREFIX = "An error occurred while attempting to decode the Jwt: ";

    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();

    BearerTokenRefusals(String issuer, String audience, Clock clock) {
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    /**
     * The problem detail for a refused request; logs the reason if this kind was not logged recently.
     *
     * @param token the refused token, if any: its claimed issuer (read, never trusted) explains a signature that
     *              does not verify because another issuer signed it
     */
    String explain(AuthenticationException refusal, @Nullable String token) {
        if (!(refusal instanceof OAuth2AuthenticationException oauth)) {
            return "No bearer token: send an access token from " + issuer + " in the Authorization header.";
        }
        var raw = oauth.getError().getDescription() != null ? oauth.getError().getDescription() : refusal.getMessage();
        var reason = raw.startsWith(DECODE_PREFIX) ? raw.substring(DECODE_PREFIX.length()) : raw;
        var claimedIssuer = claimedIssuer(token);
        var detail = "The bearer token was refused: " + (claimedIssuer.isPresent() && !claimedIssuer.get().equals(issuer)
                ? "it was issued by " + claimedIssuer.get() + ", not by " + issuer
                : describe(reason)) + ".";
        logOnce(reason, detail);
        return detail;
    }

    private String describe(String reason) {
        var lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("malformed")) {
            return "it is not a JWT";
        }
        if (lower.contains("an id token")) {
            return "it is an ID token; send an access token";
        }
        if (lower.contains("not to a party this api accepts")) {
            var client = reason.replaceFirst("(?s)^The token was issued to client (.*), not to a party this API accepts$", "$1");
            return (audience.isBlank() ? "" : "it is not issued for the audience '" + audience + "' (auth.oidc.audience; "
                    + "the identity provider must add it to access tokens, Keycloak: an audience mapper), and ")
                    + "it was issued to client " + client + ", which is not the portal's own client nor listed in "
                    + "auth.oidc.authorizedParties";
        }
        if (lower.contains("the iss claim")) {
            return "it was not issued by " + issuer;
        }
        if (lower.contains("the exp claim")) {
            return "it has no expiry (exp)";
        }
        if (lower.contains("expiresat must be after issuedat")) {
            return "its expiry (exp) lies before its issue time (iat)";
        }
        if (lower.contains("expired")) {
            return "it has expired; get a new one";
        }
        if (lower.contains("signed jwt rejected") || lower.contains("signature")) {
            return "its signature does not verify with the issuer's published keys (" + reason + ")";
        }
        return "it failed a check (" + reason + ")";
    }

    private static Optional<String> claimedIssuer(@Nullable String token) {
        if (token == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private void logOnce(String reason, String detail) {
        // Times and ids vary within one kind of refusal: digits do not make a new kind.
        var kind = reason.replaceAll("[0-9]+", "#");
        var now = clock.instant();
        var previous = lastLogged.get(kind);
        if ((previous == null || !now.isBefore(previous.plus(LOG_EVERY))) && lastLogged.put(kind, now) == previous) {
            log.warn("REST API: {} (logged once per {} minutes for this reason)", detail, LOG_EVERY.toMinutes());
        }
    }
}
