package dev.nebari.llm.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issuing, storing and renewing the webhook's certificates, without a cluster. */
class WebhookCertificatesTest {

    static final WebhookSettings SETTINGS = new WebhookSettings(true, 0, "/validate", "hook", "config", "hook-cert", "ns",
            Duration.ofDays(90), Duration.ofDays(30), Duration.ofDays(1825), Duration.ofDays(365), Duration.ofMinutes(1), false);
    static final List<String> NAMES = SETTINGS.dnsNames("ns");

    final MutableClock clock = MutableClock.startingNow();
    final CertificateIssuer issuer = new CertificateIssuer(clock);

    @Test
    void theServingCertificateNamesTheServiceInEveryFormTheApiServerMayUseAndLoopback() {
        var certificates = issuer.issueFirst(NAMES, SETTINGS.caValidity(), SETTINGS.servingValidity());

        assertThat(certificates.servingNames()).containsExactlyInAnyOrder("hook", "hook.ns", "hook.ns.svc",
                "hook.ns.svc.cluster.local", "localhost", "127.0.0.1");
        assertThat(certificates.serving().getIssuerX500Principal()).isEqualTo(certificates.ca().getSubjectX500Principal());
        assertThat(certificates.ca().getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
        assertThat(certificates.serving().getBasicConstraints()).as("not a CA").isEqualTo(-1);
    }

    @Test
    void certificatesSurviveTheSecretRoundTripAndNeverPrintTheirKeys() {
        var certificates = issuer.issueFirst(NAMES, SETTINGS.caValidity(), SETTINGS.servingValidity());

        assertThat(WebhookCertificates.fromSecretData(certificates.toSecretData())).contains(certificates);
        assertThat(certificates.toString()).contains("keys redacted").doesNotContain("PRIVATE KEY")
                .doesNotContain(certificates.caKey()).doesNotContain(certificates.servingKey());
    }

    @Test
    void unreadableSecretDataIsTreatedAsAbsent() {
        var data = new java.util.HashMap<>(issuer.issueFirst(NAMES, SETTINGS.caValidity(), SETTINGS.servingValidity()).toSecretData());
        data.put("tls.key", "garbage");

        assertThat(WebhookCertificates.fromSecretData(data)).isEmpty();
    }

    @Test
    void aFreshCertificateNeedsNothingAndOneWithinTheRenewalWindowIsRenewedFromTheSameCa() {
        var certificates = issuer.issueFirst(NAMES, SETTINGS.caValidity(), SETTINGS.servingValidity());
        assertThat(CertificateRenewal.of(certificates, clock.instant(), SETTINGS, NAMES)).isEqualTo(CertificateRenewal.NONE);

        clock.advance(Duration.ofDays(61));

        assertThat(CertificateRenewal.of(certificates, clock.instant(), SETTINGS, NAMES)).isEqualTo(CertificateRenewal.SERVING);
        var renewed = issuer.renewServing(certificates, NAMES, SETTINGS.servingValidity());
        assertThat(renewed.caCertificate()).isEqualTo(certificates.caCertificate());
        assertThat(CertificateRenewal.of(renewed, clock.instant(), SETTINGS, NAMES)).isEqualTo(CertificateRenewal.NONE);
    }

    @Test
    void aServiceRenameRenewsTheServingCertificate() {
        var certificates = issuer.issueFirst(NAMES, SETTINGS.caValidity(), SETTINGS.servingValidity());

        assertThat(CertificateRenewal.of(certificates, clock.instant(), SETTINGS, List.of("renamed", "renamed.ns")))
                .isEqualTo(CertificateRenewal.SERVING);
    }

    @Test
    void anAgeingCaIsReplacedFirstAndTheServingCertificateFollowsAtTheNextCheckWhileBothCasAreTrusted() {
        var first = issuer.issueFirst(NAMES, SETTINGS.caValidity(), SETTINGS.servingValidity());
        clock.advance(Duration.ofDays(1825 - 364));

        assertThat(CertificateRenewal.of(first, clock.instant(), SETTINGS, NAMES)).isEqualTo(CertificateRenewal.CA);
        var newCa = issuer.rotateCa(first, SETTINGS.caValidity());
        assertThat(newCa.servingCertificate()).isEqualTo(first.servingCertificate());
        assertThat(newCa.caBundle(clock.instant())).contains(first.caCertificate().strip()).contains(newCa.caCertificate().strip());

        assertThat(CertificateRenewal.of(newCa, clock.instant(), SETTINGS, NAMES)).isEqualTo(CertificateRenewal.SERVING);
        var renewed = issuer.renewServing(newCa, NAMES, SETTINGS.servingValidity());
        assertThat(renewed.serving().getIssuerX500Principal()).isEqualTo(renewed.ca().getSubjectX500Principal());
        assertThat(CertificateRenewal.of(renewed, clock.instant(), SETTINGS, NAMES)).isEqualTo(CertificateRenewal.NONE);

        clock.advance(Duration.ofDays(365));
        assertThat(renewed.caBundle(clock.instant())).as("the expired CA leaves the bundle")
                .isEqualTo(renewed.caCertificate().strip() + "\n");
    }

    @Test
    void certificatesStartBeforeTheyAreIssuedToToleratePodsWhoseClockIsAhead() {
        var certificates = issuer.issueFirst(NAMES, SETTINGS.caValidity(), SETTINGS.servingValidity());

        assertThat(certificates.serving().getNotBefore().toInstant()).isBefore(clock.instant().minus(Duration.ofMinutes(59)));
    }
}
