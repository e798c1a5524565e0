package dev.nebari.llm.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** A token is verified once a minute; expiry is checked at every request; a refused token is never remembered. */
class RecentlyVerifiedTokensTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicLong nanos = new AtomicLong();
    private final List<String> verified = new ArrayList<>();
    private final Instant expires = clock.instant().plus(Duration.ofMinutes(5));

    /** Stands in for the signature and claims checks: "bad" fails them, every other token passes until it expires. */
    private final JwtDecoder verifier = token -> {
        verified.add(token);
        if (token.equals("bad") || !clock.instant().isBefore(expires.plusSeconds(60))) {
            throw new BadJwtException("refused");
        }
        return Jwt.withTokenValue(token).header("alg", "RS256").subject("ada")
                .issuedAt(clock.instant()).expiresAt(expires).build();
    };
    private final RecentlyVerifiedTokens tokens = new RecentlyVerifiedTokens(verifier, clock, nanos::get);

    @Test
    void aTokenSeenAgainWithinTheMinuteIsNotVerifiedAgain() {
        var first = tokens.decode("one");
        var again = tokens.decode("one");
        tokens.decode("two");

        assertThat(again).isSameAs(first);
        assertThat(verified).containsExactly("one", "two");
    }

    @Test
    void aTokenIsVerifiedAgainAfterTheMinute() {
        tokens.decode("one");
        nanos.addAndGet(RecentlyVerifiedTokens.REMEMBERED.plusSeconds(1).toNanos());
        tokens.decode("one");

        assertThat(verified).containsExactly("one", "one");
    }

    @Test
    void anExpiredTokenIsRefusedEvenWithinTheMinute() {
        tokens.decode("one");
        clock.advance(Duration.ofMinutes(6).plusSeconds(1)); // past expiry and Spring's 60 s of skew
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());

        assertThatThrownBy(() -> tokens.decode("one")).isInstanceOf(BadJwtException.class);
        assertThat(verified).as("sent to the full check, which refuses it").containsExactly("one", "one");
    }

    @Test
    void aRefusedTokenIsNotRemembered() {
        assertThatThrownBy(() -> tokens.decode("bad")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode("bad")).isInstanceOf(BadJwtException.class);

        assertThat(verified).containsExactly("bad", "bad");
    }
}
