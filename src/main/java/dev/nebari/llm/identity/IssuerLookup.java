package dev.nebari.llm.identity;

import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OIDC issuer as the operator needs it, from the same source as the portal ({@link OidcIssuerResolver}):
 * {@code auth.oidc.issuerURL}, or else the NebariApp's provisioned Secret. The operator does not fail without it
 * (it withholds the internal endpoints and says why); it looks again at most every {@value #RETRY_SECONDS} seconds,
 * so a Secret that nebari-operator provisions after the operator started is picked up, and the models become
 * Ready by themselves.
 */
public final class IssuerLookup {

    static final long RETRY_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(IssuerLookup.class);

    private final PackSettings.Oidc oidc;
    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private String issuer = "";
    private Instant lookAgainAt = Instant.MIN;
    private String lastProblem = "";

    public IssuerLookup(PackSettings.Oidc oidc, KubernetesClient client, String namespace, Clock clock) {
        this.oidc = oidc;
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
    }

    /** The issuer URL, or empty while it is not known. */
    public synchronized String current() {
        if (!issuer.isEmpty() || clock.instant().isBefore(lookAgainAt)) {
            return issuer;
        }
        try {
            var found = OidcIssuerResolver.resolve(oidc, client, namespace);
            issuer = found.url();
            log.info("OIDC issuer for the internal endpoints: {} (from {})", issuer, found.source());
        } catch (RuntimeException e) {
            lookAgainAt = clock.instant().plus(Duration.ofSeconds(RETRY_SECONDS));
            if (!e.getMessage().equals(lastProblem)) {
                lastProblem = e.getMessage();
                log.warn("{}; the internal endpoints are withheld until it is found (looking again every {} s)",
                        e.getMessage(), RETRY_SECONDS);
            }
        }
        return issuer;
    }
}
