package dev.nebari.llm.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nebari.llm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/** A refused token is explained to the caller every time, and to the admin in the log once in a while per reason. */
class BearerTokenRefusalsTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
    final BearerTokenRefusals refusals = new BearerTokenRefusals("https://id.example.com/realms/main", "nebari-llm", clock);
    final Logger logger = (Logger) LoggerFactory.getLogger(BearerTokenRefusals.class);
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    @Test
    void oneLogLinePerReasonAndIntervalWhileEveryCallerHearsWhy() {
        var audience = new InvalidBearerTokenException(
                "An error occurred while attempting to decode the Jwt: The token was issued to client jupyterhub, "
                        + "not to a party this API accepts");
        var expired = new InvalidBearerTokenException(
                "An error occurred while attempting to decode the Jwt: Jwt expired at 2026-12-05T23:00:00Z");
        var expiredLater = new InvalidBearerTokenException(
                "An error occurred while attempting to decode the Jwt: Jwt expired at 2026-12-05T23:59:00Z");

        for (int i = 0; i < 50; i++) {
            assertThat(refusals.explain(audience, null)).contains("audience 'nebari-llm'").contains("audience mapper")
                    .contains("issued to client jupyterhub").contains("auth.oidc.authorizedParties");
        }
        refusals.explain(expired, null);
        refusals.explain(expiredLater, null);
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(2).allMatch(line -> line.startsWith("REST API: The bearer token was refused: "));

        clock.advance(BearerTokenRefusals.LOG_EVERY.plus(Duration.ofSeconds(1)));
        refusals.explain(audience, null);
        assertThat(logged.list).hasSize(3);
    }
}
