package dev.nebari.llm.api;

import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.identity.OidcDiscovery;
import dev.nebari.llm.identity.OidcIssuer;
import dev.nebari.llm.identity.OidcLoginClient;
import dev.nebari.llm.identity.VerifiedIssuer;
import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.properties.SwaggerUiOAuthProperties;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The REST API, in the {@code portal} profile. */
@Configuration(proxyBeanMethods = false)
@Profile("portal")
class ApiConfiguration {

    static final String BEARER_SCHEME = "bearer";

    static {
        // The caller comes from the token, not from the request: keep it out of the OpenAPI parameters.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    ManifestPreview manifestPreview(PackSettings settings, ObjectProvider<KeyCredentials> keys, OidcDiscovery discovery,
            OidcIssuer issuer, KubernetesClient client) {
        return new ManifestPreview(settings, keys.getIfAvailable(), discovery, issuer, client.getKubernetesSerialization());
    }

    @Bean
    OpenAPI nebariOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Nebari LLM Serving API").version("v1")
                        .description("Models, API keys and their administration. Errors are RFC 9457 problem details."))
                .components(new Components().addSecuritySchemes(BEARER_SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                        .description("An access token from the platform's OIDC issuer")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER_SCHEME));
    }

    @Bean
    FirstRequestWarmUp firstRequestWarmUp(JwtDecoder decoder, Environment environment) {
        return new FirstRequestWarmUp(decoder, environment);
    }

    /** Swagger UI's Authorize against the issuer; the document is regenerated per request (springdoc.cache.disabled). */
    @Bean
    OpenApiSignIn openApiSignIn(VerifiedIssuer issuer, PackSettings settings, ObjectProvider<OidcLoginClient> portalClient,
            ObjectProvider<SwaggerUiOAuthProperties> swaggerUi) {
        var signIn = new OpenApiSignIn(issuer, OpenApiSignIn.clientFor(settings.auth().oidc(), portalClient.getIfAvailable()));
        swaggerUi.ifAvailable(signIn::presetIn);
        return signIn;
    }
}
