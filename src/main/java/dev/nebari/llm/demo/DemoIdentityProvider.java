package dev.nebari.llm.demo;

import dev.nebari.llm.demo.idp.IdentityProviderServer;
import dev.nebari.llm.demo.idp.IdentityProviderSetup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the demo OIDC provider ({@link IdentityProviderServer}) beside the application. It starts while the rest of
 * the application is still being created (the embedded control plane takes longer) and is waited for in the
 * earliest lifecycle phase, so it serves its discovery document before the reconciler or the portal ask for it;
 * it stops last.
 */
public final class DemoIdentityProvider implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);

    private final IdentityProviderSetup setup;
    private final CompletableFuture<ConfigurableApplicationContext> starting;
    private volatile @Nullable ConfigurableApplicationContext running;

    DemoIdentityProvider(IdentityProviderSetup setup) {
        this.setup = setup;
        this.starting = CompletableFuture.supplyAsync(() -> IdentityProviderServer.start(setup),
                task -> Thread.ofPlatform().name("demo-identity-provider").daemon().start(task));
    }

    public String issuer() {
        return setup.issuer();
    }

    /** The public client of the OpenAPI page's Authorize; empty when none is registered. */
    public String apiClientId() {
        return setup.apiClientId();
    }

    /**
     * A shell command that puts an access token for the REST API into {@code $TOKEN}: the client-credentials grant of
     * the portal's client, whose secret is the demo's published one (config/local.yaml). The provider answers compact
     * JSON, so sed finds the token without jq.
     */
    public String tokenCommand() {
        return "TOKEN=$(curl -sS -u '" + setup.clientId() + ":" + setup.clientSecret() + "' -d grant_type=client_credentials "
                + setup.tokenEndpoint() + " | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')";
    }

    @Override
    public void start() {
        try {
            running = starting.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("The demo identity provider could not start at " + setup.issuer()
                    + " (is another demo running? choose another port in auth.oidc.issuerURL): " + e.getCause().getMessage(),
                    e.getCause());
        }
        log.info("Demo OIDC provider serving {} (discovery: {}/.well-known/openid-configuration)", setup.issuer(),
                setup.issuer());
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public boolean isRunning() {
        var context = running;
        return context != null && context.isActive();
    }

    /** First up, last down: everything else may need the provider. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }

    /** Also when the application failed before its lifecycle started, so the port is never left bound. */
    @Override
    public void close() {
        starting.thenAccept(ConfigurableApplicationContext::close);
        running = null;
    }
}
