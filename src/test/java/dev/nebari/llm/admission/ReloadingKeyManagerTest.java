package dev.nebari.llm.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReloadingKeyManagerTest {

    @Test
    void exportsTheExpiryOfTheCertificateItPresents() {
        var meters = new SimpleMeterRegistry();
        var keys = new ReloadingKeyManager();
        keys.bindTo(meters);
        var expiry = meters.get("nebari.webhook.certificate.expiry.timestamp.seconds").gauge();
        assertThat(expiry.value()).as("nothing presented yet").isNaN();

        var issued = new CertificateIssuer(Clock.systemUTC()).issueFirst(List.of("webhook.example"), Duration.ofDays(30), Duration.ofDays(7));
        keys.load(issued.servingPrivateKey(), issued.serving(), issued.ca());

        assertThat(expiry.value()).isEqualTo(issued.serving().getNotAfter().getTime() / 1000.0);
    }
}
