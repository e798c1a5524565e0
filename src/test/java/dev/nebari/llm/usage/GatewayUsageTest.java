package dev.nebari.llm.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Usage that cannot be read is said to be unavailable, and why; it is never a table of zeros. */
class GatewayUsageTest {

    @Test
    void withoutAPrometheusUsageIsNotConfigured() {
        var usage = new GatewayUsage(new UsageSettings(null, Duration.ofSeconds(60), Duration.ofSeconds(1)), Clock.systemUTC());
        var snapshot = usage.current();
        assertThat(snapshot.available()).isFalse();
        assertThat(snapshot.problem()).contains(UsageSnapshot.NOT_CONFIGURED);
    }

    @Test
    void aPrometheusThatDoesNotAnswerMakesUsageUnavailableAndIsAskedAgainLater() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        var usage = new GatewayUsage(new UsageSettings(URI.create("http://127.0.0.1:" + port), Duration.ZERO,
                Duration.ofSeconds(1)), Clock.systemUTC());
        var first = usage.current();
        assertThat(first.available()).isFalse();
        assertThat(first.problem().orElseThrow()).startsWith("Usage is unavailable right now: Prometheus at http://127.0.0.1:" + port);
        assertThat(first.byClientId()).isEmpty();
        Thread.sleep(5);
        assertThat(usage.current().readAt()).as("asked again after the refresh interval").isAfter(first.readAt());
    }

    @Test
    void theQueriesCountOnlyRequestsThroughKeysAndNeverTheInternalSide() {
        assertThat(UsageQueries.tokens("1d")).contains("llm_client_id!=\"\"").contains("llm_user=\"\"")
                .contains("increase(").contains("offset 1d").contains("max_over_time(");
        assertThat(UsageQueries.lastUsed()).contains("[1d:1m]").contains("[30d:1h]").doesNotContain("llm_user!=");
    }
}
