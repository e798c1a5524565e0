package dev.nebari.llm.identity;

import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PodNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Discovery serves both profiles (the operator renders the internal endpoint's JWT policy from it); the issuer,
 * the token decoder and the caller mapping exist where tokens arrive, in the {@code portal} profile.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LoginClientSettings.class)
class IdentityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IdentityConfiguration.class);

    @Bean
    OidcDiscovery oidcDiscovery() {
        return new OidcDiscovery(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build(), Clock.systemUTC());
    }

    @Bean
    @Profile("portal")
    OidcIssuer oidcIssuer(PackSettings settings, KubernetesClient client) {
        var issuer = OidcIssuerResolver.resolve(settings.auth().oidc(), client, PodNamespace.current());
        log.info("Accepting tokens from OIDC issuer {} (from {})", issuer.url(), issuer.source());
        return issuer;
    }

    /** The portal's own OIDC client: its sign-in, and a party whose tokens the REST API accepts. */
    @Bean
    @Profile("portal")
    @ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
    OidcLoginClient oidcLoginClient(LoginClientSettings login, PackSettings settings, KubernetesClient client) {
        var resolved = OidcLoginClientResolver.resolve(login, settings.auth().oidc(), client, PodNamespace.current());
        log.info("Portal sign-in uses OIDC client {} (from {})", resolved.clientId(), resolved.source());
        return resolved;
    }

    @Bean
    @Profile("portal")
    VerifiedIssuer verifiedIssuer(OidcIssuer issuer, OidcDiscovery discovery) {
        return new VerifiedIssuer(issuer, discovery);
    }

    @Bean
    @Profile("portal")
    JwtDecoder bearerTokenDecoder(VerifiedIssuer issuer, PackSettings settings,
            ObjectProvider<OidcLoginClient> portalClient) {
        var oidc = settings.auth().oidc();
        var parties = new LinkedHashSet<>(oidc.authorizedParties());
        portalClient.ifAvailable(client -> parties.add(client.clientId()));
        if (!oidc.apiClientId().isBlank()) {
            parties.add(oidc.apiClientId().strip());
        }
        return BearerTokenDecoder.forIssuer(issuer, new TokenAudience(oidc.audience(), parties));
    }

    /**
     * Health contributor {@code oidcIssuer}, in the portal's readiness group: down while the configured issuer
     * contradicts the provider's discovery document (no token could pass; the detail says what to set). A provider
     * that cannot be reached is not a reason to stop serving: the pages and the API say so themselves.
     */
    @Bean
    @Profile("portal")
    HealthIndicator oidcIssuerHealthIndicator(VerifiedIssuer issuer) {
        return () -> issuer.misconfiguration()
                .map(problem -> Health.down().withDetail("problem", problem).build())
                .orElseGet(() -> Health.up().withDetail("issuer", issuer.configured().url()).build());
    }

    @Bean
    @Profile("portal")
    CallerResolver callerResolver(PackSettings settings) {
        return new CallerResolver(settings.auth());
    }

    /** Handlers of the REST API and of the portal's pages take the verified {@link Caller} as a parameter. */
    @Bean
    @Profile("portal")
    WebMvcConfigurer callerArguments(CallerResolver callers) {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new CallerArgumentResolver(callers));
            }
        };
    }
}
