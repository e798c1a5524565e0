package dev.nebari.llm.admission;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the webhook's CA and serving certificates (ECDSA P-256: fast to generate, and accepted by the API server's
 * Go TLS client). Times come from the clock, so tests can age certificates without waiting.
 */
final class CertificateIssuer {

    /**
     * Certificates start this long before they are issued: the API server's clock may be behind this pod's, and a
     * certificate that is "not yet valid" fails every admission call.
     */
    static final Duration BACKDATE = Duration.ofHours(1);

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;

    CertificateIssuer(Clock clock) {
        this.clock = clock;
    }

    /** A CA and a serving certificate it signed, for a first start (or a Secret nobody can read any more). */
    WebhookCertificates issueFirst(List<String> dnsNames, Duration caValidity, Duration servingValidity) {
        var caKeys = newKeyPair();
        var ca = selfSignedCa(caKeys, caValidity);
        return issueServing(WebhookCertificates.pem(ca), WebhookCertificates.pem(caKeys.getPrivate()), ca, caKeys.getPrivate(),
                dnsNames, servingValidity, "");
    }

    /**
     * A new CA that does not sign anything yet: the serving certificate stays the one the old CA signed, and the old
     * CA stays in the caBundle. The serving certificate is renewed from the new CA at a later check, once the API
     * server has had time to see the new caBundle (see {@link CertificateRenewal}).
     */
    WebhookCertificates rotateCa(WebhookCertificates current, Duration caValidity) {
        var caKeys = newKeyPair();
        var ca = selfSignedCa(caKeys, caValidity);
        return new WebhookCertificates(WebhookCertificates.pem(ca), WebhookCertificates.pem(caKeys.getPrivate()),
                current.servingCertificate(), current.servingKey(), current.caCertificate());
    }

    /** A new serving certificate from the current CA. */
    WebhookCertificates renewServing(WebhookCertificates current, List<String> dnsNames, Duration servingValidity) {
        return issueServing(current.caCertificate(), current.caKey(), current.ca(), current.caPrivateKey(), dnsNames,
                servingValidity, current.previousCaCertificate());
    }

    private WebhookCertificates issueServing(String caPem, String caKeyPem, X509Certificate ca, PrivateKey caKey,
            List<String> dnsNames, Duration validity, String previousCaCertificate) {
        var keys = newKeyPair();
        var now = clock.instant();
        var notAfter = now.plus(validity);
        try {
            var names = new GeneralName[dnsNames.size() + 1];
            for (int i = 0; i < dnsNames.size(); i++) {
                names[i] = new GeneralName(GeneralName.dNSName, dnsNames.get(i));
            }
            // The API server connects to 127.0.0.1 in tests and through port-forwards.
            names[dnsNames.size()] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
            var extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(notAfter), new X500Name("CN=" + dnsNames.getFirst()), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
            var certificate = sign(builder, caKey);
            return new WebhookCertificates(caPem, caKeyPem, WebhookCertificates.pem(certificate),
                    WebhookCertificates.pem(keys.getPrivate()), previousCaCertificate);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue the webhook serving certificate", e);
        }
    }

    private X509Certificate selfSignedCa(KeyPair keys, Duration validity) {
        var now = clock.instant();
        var subject = new X500Name("CN=nebari-llm-serving webhook CA " + now.getEpochSecond());
        try {
            var extensions = new JcaX509ExtensionUtils();
            var builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return sign(builder, keys.getPrivate());
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue the webhook CA", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator in this JVM", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
