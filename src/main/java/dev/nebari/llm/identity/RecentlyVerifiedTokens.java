package dev.nebari.llm.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * Verifies each distinct bearer token once a minute rather than at every request. A client sends the same token
 * with every call until it expires, and the full verification (parse, signature, claims) was a tenth of the portal's
 * CPU while keys were minted (bench/scale). A token seen within {@link #REMEMBERED} is only checked for expiry
 * again; one that failed is never remembered. The minute bounds how long a token stays accepted after its signing key
 * left the provider's JWKS; Spring's own checks already allow 60 s of clock skew on expiry.
 */
final class RecentlyVerifiedTokens implements JwtDecoder {

    static final Duration REMEMBERED = Duration.ofMinutes(1);
    /** Distinct tokens remembered at most: about 3 MiB (a token and its claims are a few KiB). */
    static final int MAXIMUM = 1_000;

    private final JwtDecoder verifier;
    private final JwtTimestampValidator expiry = new JwtTimestampValidator();
    /** By the whole token: a token is a credential, so the cache is never logged, listed or exported. */
    private final Cache<String, Jwt> verified;

    RecentlyVerifiedTokens(JwtDecoder verifier) {
        this(verifier, Clock.systemUTC(), Ticker.systemTicker());
    }

    RecentlyVerifiedTokens(JwtDecoder verifier, Clock clock, Ticker ticker) {
        this.verifier = verifier;
        this.expiry.setClock(clock);
        this.verified = Caffeine.newBuilder().expireAfterWrite(REMEMBERED).maximumSize(MAXIMUM).ticker(ticker).build();
    }

    @Override
    public Jwt decode(String token) {
        var known = verified.getIfPresent(token);
        if (known != null) {
            if (!expiry.validate(known).hasErrors()) {
                return known;
            }
            verified.invalidate(token);
        }
        // Throws for a token that fails (the caller is refused with the verifier's reason).
        var jwt = verifier.decode(token);
        verified.put(token, jwt);
        return jwt;
    }
}
