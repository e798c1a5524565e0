package dev.nebari.llm.download.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.admission.TestCertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSL_CERT_FILE: private CAs added to the JDK's, never instead of them. */
class TrustedCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryCertificateOfABundleWithCommentsAroundThem() throws Exception {
        var first = TestCertificateAuthority.issue().caCertificate();
        var second = TestCertificateAuthority.issue().caCertificate();
        var bundle = Files.writeString(dir.resolve("ca.crt"), "# mirror CA\n" + first + "\n# proxy CA\n" + second);

        var trusted = TrustedCertificates.load(bundle);

        assertThat(trusted.added()).hasSize(2);
        assertThat(trusted.source()).contains(bundle);
    }

    @Test
    void trustsTheAddedCasAndKeepsEveryCaOfTheJdk() throws Exception {
        var pem = Files.writeString(dir.resolve("ca.crt"), TestCertificateAuthority.issue().caCertificate());
        var trusted = TrustedCertificates.load(pem);

        var accepted = Arrays.asList(trusted.trustManager().getAcceptedIssuers());

        assertThat(accepted).containsAll(trusted.added());
        assertThat(accepted).containsAll(Arrays.asList(jdkDefaults().getAcceptedIssuers())).hasSizeGreaterThan(50);
    }

    @Test
    void anUnreadableFileIsRefusedNamingIt() {
        var missing = dir.resolve("missing.crt");
        assertThatThrownBy(() -> TrustedCertificates.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read SSL_CERT_FILE " + missing + ": no such file");
    }

    @Test
    void aFileWithoutCertificatesIsRefused() throws Exception {
        var empty = Files.writeString(dir.resolve("empty.crt"), "# nothing here\n");
        assertThatThrownBy(() -> TrustedCertificates.load(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no PEM certificate");
    }

    @Test
    void aDamagedCertificateIsRefused() throws Exception {
        var damaged = Files.writeString(dir.resolve("damaged.crt"),
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TrustedCertificates.load(damaged))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a PEM certificate bundle");
    }

    @Test
    void withoutAddedCertificatesTheJdkDefaultContextIsUsed() throws Exception {
        assertThat(TrustedCertificates.JDK_DEFAULTS.sslContext()).isSameAs(javax.net.ssl.SSLContext.getDefault());
    }

    private static X509TrustManager jdkDefaults() throws Exception {
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }
}
