package dev.nebari.llm.admission;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What a certificate check must renew, decided from the stored certificates, the time and the settings. */
enum CertificateRenewal {
    NONE,
    /**
     * The serving certificate expires soon, no longer names the Service, or was signed by the previous CA: a new one
     * from the current CA.
     */
    SERVING,
    /**
     * The CA expires soon: a new CA, published beside the old one. The serving certificate follows at the next check
     * (as {@link #SERVING}), so the API server already trusts the new CA when a replica first presents a certificate
     * it signed.
     */
    CA;

    static CertificateRenewal of(WebhookCertificates current, Instant now, WebhookSettings settings, List<String> dnsNames) {
        if (remaining(current.ca().getNotAfter().toInstant(), now).compareTo(settings.caRenewBefore()) < 0) {
            return CA;
        }
        var serving = current.serving();
        var namesChanged = !current.servingNames().containsAll(dnsNames);
        var signedByOtherCa = !serving.getIssuerX500Principal().equals(current.ca().getSubjectX500Principal());
        if (remaining(serving.getNotAfter().toInstant(), now).compareTo(settings.servingRenewBefore()) < 0 || namesChanged
                || signedByOtherCa) {
            return SERVING;
        }
        return NONE;
    }

    private static Duration remaining(Instant notAfter, Instant now) {
        return Duration.between(now, notAfter);
    }
}
