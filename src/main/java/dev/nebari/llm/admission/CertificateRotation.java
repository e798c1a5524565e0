package dev.nebari.llm.admission;

import dev.nebari.llm.platform.LeadershipChanged;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * Keeps the webhook's certificates valid and in use. Each check reads the certificate Secret and loads what it
 * holds into the HTTPS server (every replica, so all serve what the leader last wrote). The leader also renews
 * certificates before they expire (see {@link CertificateRenewal}) and publishes the caBundle; the first replica to
 * find no Secret at all creates it, whoever leads, because nobody can serve before it exists.
 */
public final class CertificateRotation implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CertificateRotation.class);

    private final CertificateSecret secret;
    private final CaBundlePublisher caBundle;
    private final CertificateIssuer issuer;
    private final ReloadingKeyManager keyManager;
    private final WebhookSettings settings;
    private final List<String> dnsNames;
    private final BooleanSupplier leader;
    private final Clock clock;
    private volatile @Nullable ScheduledExecutorService schedule;
    private @Nullable String loadedServingCertificate;

    CertificateRotation(CertificateSecret secret, CaBundlePublisher caBundle, ReloadingKeyManager keyManager,
            WebhookSettings settings, String namespace, BooleanSupplier leader, Clock clock) {
        this.secret = secret;
        this.caBundle = caBundle;
        this.issuer = new CertificateIssuer(clock);
        this.keyManager = keyManager;
        this.settings = settings;
        this.dnsNames = settings.dnsNames(namespace);
        this.leader = leader;
        this.clock = clock;
    }

    /** One check: read, renew when due (leader), load, publish (leader). Safe to call at any time. */
    public synchronized void check() {
        var stored = secret.read();
        if (!stored.exists()) {
            var created = issuer.issueFirst(dnsNames, settings.caValidity(), settings.servingValidity());
            if (secret.create(created)) {
                log.info("Created the webhook certificates: {}", created);
            }
            stored = secret.read();
        }
        if (leader.getAsBoolean()) {
            stored = renewIfDue(stored);
        }
        if (leader.getAsBoolean()) {
            stored.certificates().ifPresent(current -> caBundle.publish(current.caBundle(clock.instant())));
        }
        stored.certificates().ifPresent(this::load);
    }

    /** The CAs the API server must trust now (PEM), once the certificates exist. */
    Optional<String> caBundle() {
        return secret.read().certificates().map(current -> current.caBundle(clock.instant()));
    }

    private CertificateSecret.Stored renewIfDue(CertificateSecret.Stored stored) {
        var resourceVersion = stored.resourceVersion();
        if (resourceVersion == null) {
            return stored;
        }
        var current = stored.certificates();
        @Nullable WebhookCertificates renewed;
        if (current.isEmpty()) {
            // Present but unreadable (edited by hand, or written by another version): start over.
            renewed = issuer.issueFirst(dnsNames, settings.caValidity(), settings.servingValidity());
        } else {
            renewed = switch (CertificateRenewal.of(current.get(), clock.instant(), settings, dnsNames)) {
                case NONE -> null;
                case SERVING -> issuer.renewServing(current.get(), dnsNames, settings.servingValidity());
                case CA -> issuer.rotateCa(current.get(), settings.caValidity());
            };
        }
        if (renewed == null) {
            return stored;
        }
        if (secret.replace(renewed, resourceVersion)) {
            log.info("Renewed the webhook certificates: {}", renewed);
        }
        return secret.read();
    }

    private void load(WebhookCertificates certificates) {
        if (certificates.servingCertificate().equals(loadedServingCertificate)) {
            return;
        }
        keyManager.load(certificates.servingPrivateKey(), certificates.serving(), certificates.ca());
        loadedServingCertificate = certificates.servingCertificate();
        log.info("Serving webhook certificate {}", certificates);
    }

    /** A new leader publishes at once rather than at the next scheduled check. */
    @EventListener
    public void onLeadershipChanged(LeadershipChanged change) {
        var running = schedule;
        if (change.leader() && running != null) {
            running.execute(this::checkLogged);
        }
    }

    private void checkLogged() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("Webhook certificate check failed; retrying in {}: {}", settings.checkInterval(), e.toString());
        }
    }

    @Override
    public void start() {
        // Load before the server accepts connections, so the first handshake already has a certificate.
        checkLogged();
        var executor = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("webhook-certificates").factory());
        var interval = settings.checkInterval().toMillis();
        executor.scheduleWithFixedDelay(this::checkLogged, interval, interval, TimeUnit.MILLISECONDS);
        schedule = executor;
    }

    @Override
    public void stop() {
        var executor = schedule;
        schedule = null;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return schedule != null;
    }

    /** Before the webhook server (which starts in the default phase) and before leadership is decided. */
    @Override
    public int getPhase() {
        return -100;
    }
}
