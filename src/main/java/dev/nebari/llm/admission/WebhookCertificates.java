package dev.nebari.llm.admission;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * The webhook's key material as it is stored in the certificate Secret, shared by every replica: the CA that the
 * API server trusts (its certificate is the {@code caBundle}), the serving certificate it signed, and the previous
 * CA's certificate while it may still sign a certificate some replica serves. {@link #toString()} redacts the keys.
 *
 * @param caCertificate      PEM of the current CA
 * @param caKey              PEM (PKCS#8) of the CA's private key, to issue the next serving certificate
 * @param servingCertificate PEM of the certificate the HTTPS server presents
 * @param servingKey         PEM (PKCS#8) of its private key
 * @param previousCaCertificate PEM of the CA before the last CA rotation, or empty
 */
public record WebhookCertificates(String caCertificate, String caKey, String servingCertificate, String servingKey,
        String previousCaCertificate) {

    static final String CA_CERTIFICATE = "ca.crt";
    static final String CA_KEY = "ca.key";
    // tls.crt / tls.key make the Secret a valid kubernetes.io/tls Secret.
    static final String SERVING_CERTIFICATE = "tls.crt";
    static final String SERVING_KEY = "tls.key";
    static final String PREVIOUS_CA_CERTIFICATE = "ca-previous.crt";

    /** The Secret's data (plain text; the caller encodes). */
    public Map<String, String> toSecretData() {
        var data = new HashMap<String, String>();
        data.put(CA_CERTIFICATE, caCertificate);
        data.put(CA_KEY, caKey);
        data.put(SERVING_CERTIFICATE, servingCertificate);
        data.put(SERVING_KEY, servingKey);
        if (!previousCaCertificate.isEmpty()) {
            data.put(PREVIOUS_CA_CERTIFICATE, previousCaCertificate);
        }
        return data;
    }

    /** Reads decoded Secret data; empty when a part is missing or does not parse (the Secret is then re-issued). */
    public static Optional<WebhookCertificates> fromSecretData(Map<String, String> data) {
        var certificates = new WebhookCertificates(data.getOrDefault(CA_CERTIFICATE, ""), data.getOrDefault(CA_KEY, ""),
                data.getOrDefault(SERVING_CERTIFICATE, ""), data.getOrDefault(SERVING_KEY, ""),
                data.getOrDefault(PREVIOUS_CA_CERTIFICATE, ""));
        try {
            certificates.ca();
            certificates.serving();
            readPrivateKey(certificates.caKey);
            readPrivateKey(certificates.servingKey);
            return Optional.of(certificates);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * What the API server must trust: the current CA, and the previous one until it expires, because right after a
     * CA rotation other replicas still serve a certificate the previous CA signed until they re-read the Secret.
     */
    public String caBundle(Instant now) {
        var bundle = caCertificate.strip() + "\n";
        if (!previousCaCertificate.isEmpty() && readCertificate(previousCaCertificate).getNotAfter().toInstant().isAfter(now)) {
            bundle += previousCaCertificate.strip() + "\n";
        }
        return bundle;
    }

    public X509Certificate ca() {
        return readCertificate(caCertificate);
    }

    public X509Certificate serving() {
        return readCertificate(servingCertificate);
    }

    PrivateKey caPrivateKey() {
        return readPrivateKey(caKey);
    }

    PrivateKey servingPrivateKey() {
        return readPrivateKey(servingKey);
    }

    /** The DNS and IP names the serving certificate is valid for. */
    public List<String> servingNames() {
        try {
            var names = new ArrayList<String>();
            var alternatives = serving().getSubjectAlternativeNames();
            if (alternatives != null) {
                alternatives.forEach(entry -> names.add(String.valueOf(entry.get(1))));
            }
            return names;
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return "WebhookCertificates[ca serial " + ca().getSerialNumber().toString(16) + " until " + ca().getNotAfter().toInstant()
                + ", serving serial " + serving().getSerialNumber().toString(16) + " until "
                + serving().getNotAfter().toInstant() + ", keys redacted]";
    }

    static String pem(Object certificateOrKey) {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificateOrKey instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : certificateOrKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static X509Certificate readCertificate(String pem) {
        try (var parser = new PEMParser(new StringReader(pem))) {
            if (parser.readObject() instanceof X509CertificateHolder holder) {
                return new JcaX509CertificateConverter().getCertificate(holder);
            }
            throw new IllegalArgumentException("not a PEM certificate");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable PEM certificate", e);
        }
    }

    static PrivateKey readPrivateKey(String pem) {
        try (var parser = new PEMParser(new StringReader(pem))) {
            var converter = new JcaPEMKeyConverter();
            return switch (parser.readObject()) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case null, default -> throw new IllegalArgumentException("not a PEM private key");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable PEM private key", e);
        }
    }
}
