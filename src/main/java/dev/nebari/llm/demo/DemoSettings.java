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
 */
@ConfigurationProperties("demo")
public record DemoSettings(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("llm-demo") String namespace,
        @DefaultValue List<String> models,
        @DefaultValue("5m") Duration readyTimeout,
        @DefaultValue IdentityProvider identityProvider) {

    /**
     * @param enabled   run an OIDC provider for the portal at {@code auth.oidc.issuerURL} (which must be on localhost)
     * @param portalUrl where the portal is reached, for the client's redirect URIs; default http://localhost:{server.port}
     */
    public record IdentityProvider(@DefaultValue("false") boolean enabled, @DefaultValue("") String portalUrl) {
    }
}
