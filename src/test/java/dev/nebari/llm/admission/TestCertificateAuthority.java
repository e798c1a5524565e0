package dev.nebari.llm.admission;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A private CA and a server certificate it signed (for {@code localhost} and 127.0.0.1), made with the webhook's own
 * {@link CertificateIssuer}: for tests of clients that must trust, or refuse, a server behind a private CA.
 *
 * @param caCertificate PEM of the CA certificate, what a client adds to its trust
 * @param server        a TLS context presenting the server certificate and its chain
 */
public record TestCertificateAuthority(String caCertificate, SSLContext server) {

    public static TestCertificateAuthority issue() {
        var certificates = new CertificateIssuer(Clock.systemUTC())
                .issueFirst(List.of("localhost"), Duration.ofDays(1), Duration.ofDays(1));
        var keys = new ReloadingKeyManager();
        keys.load(certificates.servingPrivateKey(), certificates.serving(), certificates.ca());
        return new TestCertificateAuthority(certificates.caCertificate(), keys.sslContext());
    }
}
