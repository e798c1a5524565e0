package dev.nebari.llm.demo;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The local demo. Not Helm values: config/local.yaml turns the demo on for {@code ./mvnw spring-boot:run}.
 *
 * @param enabled          print where everything is at start-up and apply {@code models} to the embedded cluster
 * @param namespace        where the demo models go (created, labelled {@code nebari.dev/managed=true})
 * @param models           LLMModel manifests to apply, e.g. examples/models/minimal.yaml
 * @param readyTimeout     how long to wait for the models to become Ready before saying which are not
 * @param identityProvider the embedded OIDC provider
 * @param gateway          a real Envoy AI Gateway in front of simulated models, so keys and tokens can be used
 */
@ConfigurationProperties("demo")
public record DemoSettings(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("llm-demo") String namespace,
        @DefaultValue List<String> models,
        @DefaultValue("5m") Duration readyTimeout,
        @DefaultValue IdentityProvider identityProvider,
        @DefaultValue Gateway gateway) {

    /**
     * @param enabled   run an OIDC provider for the portal at {@code auth.oidc.issuerURL} (which must be on localhost)
     * @param portalUrl where the portal is reached, for the client's redirect URIs; default http://localhost:{server.port}
     */
    public record IdentityProvider(@DefaultValue("false") boolean enabled, @DefaultValue("") String portalUrl) {
    }

    /**
     * @param enabled      run the local gateway (localgateway module) for the demo models, building its binaries on
     *                     the first run; set {@code platform.gateway.external.url} and {@code .internal.url} to its
     *                     listeners so the endpoints in status and the portal's snippets reach it
     * @param externalPort its external listener (API keys)
     * @param internalPort its internal listener (OIDC tokens)
     * @param prometheusPort a local Prometheus scraping its token counts, for usage per key (set
     *                     {@code usage.prometheusUrl} to it); started only where Prometheus is installed
     */
    public record Gateway(@DefaultValue("false") boolean enabled, @DefaultValue("8880") int externalPort,
            @DefaultValue("8881") int internalPort, @DefaultValue("8882") int prometheusPort) {
    }
}
