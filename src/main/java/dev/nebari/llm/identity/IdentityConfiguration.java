package dev.nebari.llm.identity;

import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PodNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
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

    @Bean
    @Profile("portal")
    JwtDecoder bearerTokenDecoder(OidcIssuer issuer, PackSettings settings) {
        return BearerTokenDecoder.forIssuer(issuer, settings.auth().oidc().audience());
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
