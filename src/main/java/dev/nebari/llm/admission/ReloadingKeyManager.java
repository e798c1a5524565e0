package dev.nebari.llm.admission;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * The HTTPS server's key manager. The SSLContext is built once around it; {@link #load} swaps the certificate it
 * presents, so a rotated certificate is used from the next handshake on, without restarting the server.
 * Until the first load, handshakes fail (there is nothing to present).
 *
 * <p>A handshake asks for an alias first and for its chain and key afterwards; each load gets a new alias and the
 * previous one stays answerable, so a handshake that spans a swap still gets a matching certificate and key.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager implements MeterBinder {

    private static final char[] IN_MEMORY = new char[0];

    private record Loaded(String alias, X509ExtendedKeyManager manager, X509Certificate certificate) {
    }

    private final AtomicLong generation = new AtomicLong();
    private volatile @Nullable Loaded current;
    private volatile @Nullable Loaded previous;

    synchronized void load(PrivateKey key, X509Certificate... chain) {
        try {
            var alias = "webhook-" + generation.incrementAndGet();
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, key, IN_MEMORY, chain);
            // SunX509 answers with the key store's own alias names, which makes the lookup by alias below possible.
            var factory = KeyManagerFactory.getInstance("SunX509");
            factory.init(store, IN_MEMORY);
            previous = current;
            current = new Loaded(alias, (X509ExtendedKeyManager) factory.getKeyManagers()[0], chain[0]);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot load the webhook serving certificate", e);
        }
    }

    /** The certificate handshakes present now, if any. */
    @Nullable X509Certificate presented() {
        var loaded = current;
        return loaded == null ? null : loaded.certificate();
    }

    private @Nullable X509ExtendedKeyManager byAlias(String alias) {
        for (var loaded : new Loaded[] {current, previous}) {
            if (loaded != null && loaded.alias().equals(alias)) {
                return loaded.manager();
            }
        }
        return null;
    }

    /**
     * {@code nebari_webhook_certificate_expiry_timestamp_seconds}: when the certificate handshakes present expires
     * (NaN before the first load). The operator renews it well ahead; an alert on it means renewal stopped.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("nebari.webhook.certificate.expiry.timestamp.seconds", this, manager -> {
            var certificate = manager.presented();
            return certificate == null ? Double.NaN : certificate.getNotAfter().getTime() / 1000.0;
        }).description("Expiry (Unix time) of the webhook's serving certificate").register(registry);
    }

    SSLContext sslContext() {
        try {
            var context = SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[] {this}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
        var loaded = current;
        return loaded == null ? null : loaded.manager().getServerAliases(keyType, issuers);
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
        var loaded = current;
        return loaded == null ? null : loaded.manager().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable SSLEngine engine) {
        var loaded = current;
        return loaded == null ? null : loaded.manager().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(String alias) {
        var delegate = byAlias(alias);
        return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(String alias) {
        var delegate = byAlias(alias);
        return delegate == null ? null : delegate.getPrivateKey(alias);
    }

    // The webhook server never authenticates with a client certificate.
    @Override
    public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
        return null;
    }

    @Override
    public @Nullable String chooseClientAlias(String[] keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
        return null;
    }
}
