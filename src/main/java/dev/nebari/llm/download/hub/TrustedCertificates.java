package dev.nebari.llm.download.hub;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities TLS connections trust: the JDK's own, plus the PEM certificates of
 * {@code SSL_CERT_FILE} when it is set (a private CA of a Hub mirror or of a TLS-inspecting proxy). The JDK ignores
 * {@code SSL_CERT_FILE}; OpenSSL-based tools replace their defaults with it, but here it adds to them, so a mirror
 * behind a private CA and a public CDN both verify.
 */
public record TrustedCertificates(Optional<Path> source, List<X509Certificate> added) {

    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";

    public static final TrustedCertificates JDK_DEFAULTS = new TrustedCertificates(Optional.empty(), List.of());

    public TrustedCertificates {
        added = List.copyOf(added);
    }

    /**
     * Reads every certificate of a PEM file (text between and around the certificates, such as the comments of
     * distribution bundles, is skipped). Throws {@link IllegalArgumentException} when the file cannot be read or holds
     * no certificate.
     */
    public static TrustedCertificates load(Path pemFile) {
        byte[] pem;
        try {
            pem = Files.readAllBytes(pemFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read SSL_CERT_FILE " + pemFile + ": " + describe(e));
        }
        if (!new String(pem, StandardCharsets.US_ASCII).contains(BEGIN)) {
            throw new IllegalArgumentException("SSL_CERT_FILE " + pemFile + " holds no PEM certificate (" + BEGIN + ")");
        }
        var certificates = new ArrayList<X509Certificate>();
        try (InputStream in = new ByteArrayInputStream(pem)) {
            CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .forEach(certificate -> certificates.add((X509Certificate) certificate));
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("SSL_CERT_FILE " + pemFile + " is not a PEM certificate bundle: "
                    + e.getMessage());
        }
        return new TrustedCertificates(Optional.of(pemFile), certificates);
    }

    /** A TLS context that trusts the JDK's CAs and the added ones. */
    public SSLContext sslContext() {
        try {
            if (added.isEmpty()) {
                return SSLContext.getDefault();
            }
            var context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    /** One trust store with the JDK's CAs and the added ones, so the JDK's own path validation covers both. */
    X509TrustManager trustManager() throws GeneralSecurityException {
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty trust store", e);
        }
        int n = 0;
        for (X509Certificate anchor : jdkDefaults().getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + n++, anchor);
        }
        for (X509Certificate certificate : added) {
            store.setCertificateEntry("added-" + n++, certificate);
        }
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return x509(factory);
    }

    /** The trust manager of the JDK's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore}). */
    private static X509TrustManager jdkDefaults() throws GeneralSecurityException {
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return x509(factory);
    }

    private static X509TrustManager x509(TrustManagerFactory factory) throws GeneralSecurityException {
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
