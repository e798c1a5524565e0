package dev.nebari.llm.identity;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured issuer checked against the provider's own discovery document, whose {@code issuer} is what tokens
 * carry in {@code iss}. A spelling that differs only by trailing slashes ({@code .../realms/main/}) is corrected to
 * the provider's; any other difference is a misconfiguration that no token can pass, reported with what to set.
 * The portal's sign-in and the REST API's token checks both start from here.
 */
public final class VerifiedIssuer {

    /** The issuer cannot be used: the provider is unreachable, or names another issuer. */
    public static final class IssuerProblem extends IllegalStateException {

        private final boolean misconfiguration;

        IssuerProblem(String message, boolean misconfiguration) {
            super(message);
            this.misconfiguration = misconfiguration;
        }

        /** True when retrying cannot help: the setting itself is wrong. */
        public boolean misconfiguration() {
            return misconfiguration;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(VerifiedIssuer.class);

    private final OidcIssuer configured;
    private final OidcDiscovery discovery;
    private final AtomicBoolean correctionLogged = new AtomicBoolean();

    public VerifiedIssuer(OidcIssuer configured, OidcDiscovery discovery) {
        this.configured = configured;
        this.discovery = discovery;
        // Start the first fetch now, so that readiness can tell a wrong setting soon after start-up.
        discovery.current(configured.url());
    }

    public OidcIssuer configured() {
        return configured;
    }

    /** The provider's issuer and keys, fetching the discovery document if it is not cached. */
    public OidcDiscovery.DiscoveredIssuer require() {
        var found = discovery.current(configured.url()).or(() -> discovery.discover(configured.url()))
                .orElseThrow(() -> new IssuerProblem("The identity provider " + configured.url()
                        + " cannot be reached (its discovery document could not be read).", false));
        return reconcile(found);
    }

    /** What is wrong with the setting, from the cached discovery document; empty while all is well or unknown. */
    public Optional<String> misconfiguration() {
        try {
            discovery.current(configured.url()).ifPresent(this::reconcile);
            return Optional.empty();
        } catch (IssuerProblem e) {
            return Optional.of(e.getMessage());
        }
    }

    private OidcDiscovery.DiscoveredIssuer reconcile(OidcDiscovery.DiscoveredIssuer found) {
        var url = configured.url();
        if (found.issuer().equals(url)) {
            return found;
        }
        if (withoutTrailingSlashes(found.issuer()).equals(withoutTrailingSlashes(url))) {
            if (correctionLogged.compareAndSet(false, true)) {
                log.info("OIDC issuer {} (from {}) differs from the provider's own {} only by a trailing slash; using {}",
                        url, configured.source(), found.issuer(), found.issuer());
            }
            return found;
        }
        throw new IssuerProblem("The OIDC issuer is configured as " + url + " (" + configured.source()
                + "), but the identity provider's discovery document names its issuer " + found.issuer()
                + ", which is what its tokens carry: set " + configured.source() + " to " + found.issuer() + ".", true);
    }

    private static String withoutTrailingSlashes(String url) {
        return url.replaceAll("/+$", "");
    }
}
