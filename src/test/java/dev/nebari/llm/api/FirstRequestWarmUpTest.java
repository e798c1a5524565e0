package dev.nebari.llm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The warm-up's bounds; that it fetches the issuer's keys before ready is RestApiTest's. */
class FirstRequestWarmUpTest {

    @Test
    void theDecoderIsAskedToVerifyATokenThatCannotPass() {
        var asked = new CopyOnWriteArrayList<String>();
        JwtDecoder refusing = token -> {
            asked.add(token);
            throw new BadJwtException("Signed JWT rejected: Invalid signature");
        };
        new FirstRequestWarmUp(refusing, new MockEnvironment()).run(new DefaultApplicationArguments());
        assertThat(asked).containsExactly(FirstRequestWarmUp.UNVERIFIABLE_TOKEN);
    }

    @Test
    void anIssuerThatDoesNotAnswerDelaysReadinessByTheLimitAtMost() throws InterruptedException {
        var release = new CountDownLatch(1);
        JwtDecoder hanging = token -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new BadJwtException("too late");
        };
        var started = System.nanoTime();
        new FirstRequestWarmUp(hanging, new MockEnvironment()).run(new DefaultApplicationArguments());
        var took = Duration.ofNanos(System.nanoTime() - started);
        release.countDown();
        assertThat(took).isGreaterThanOrEqualTo(FirstRequestWarmUp.LIMIT)
                .isLessThan(FirstRequestWarmUp.LIMIT.plusSeconds(2));
    }

    @Test
    void aDecoderThatCannotBeBuiltOnlyLeavesTheWorkToTheFirstRequest() {
        JwtDecoder unbuildable = token -> {
            throw new IllegalStateException("The identity provider cannot be reached");
        };
        var started = System.nanoTime();
        new FirstRequestWarmUp(unbuildable, new MockEnvironment()).run(new DefaultApplicationArguments());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FirstRequestWarmUp.LIMIT);
    }
}
