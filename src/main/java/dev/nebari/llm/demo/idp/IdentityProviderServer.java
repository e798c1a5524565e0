package dev.nebari.llm.demo.idp;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The demo's OIDC provider: Spring Authorization Server in an application context of its own, with its own web
 * server on the issuer's port, so its {@code /login} and {@code /oauth2/**} never meet the portal's paths of the
 * same names on the main port. Only the auto-configuration a web server with Spring Security needs is imported,
 * and no configuration file is read ({@code spring.config.name} is its own), so nothing of the main application's
 * settings leaks in.
 *
 * <p>Deliberately not a {@code @Configuration}: the main application's component scan must not pick it up. It
 * is handed to its own {@link SpringApplicationBuilder} by {@link #start}.
 *
 * <p>Serves: discovery ({@code /.well-known/openid-configuration}), authorization with PKCE required, token,
 * JWKS, user info and RP-initiated logout ({@code /connect/logout}); users sign in on {@code /login} (fields
 * {@code username} and {@code password}). Keys, sessions and issued tokens live in memory and end with the process.
 */
@ImportAutoConfiguration({
        TomcatServletWebServerAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class,
        ErrorMvcAutoConfiguration.class,
        HttpMessageConvertersAutoConfiguration.class,
        JacksonAutoConfiguration.class,
        SecurityAutoConfiguration.class,
        ServletWebSecurityAutoConfiguration.class,
        SecurityFilterAutoConfiguration.class})
public class IdentityProviderServer {

    static final String SESSION_COOKIE = "NEBARI_DEMO_IDP_SESSION";
    static final String LOGIN_PAGE = "/login";

    /** Starts the provider and returns once it serves requests. */
    public static ConfigurableApplicationContext start(IdentityProviderSetup setup) {
        return new SpringApplicationBuilder(IdentityProviderServer.class)
                .web(WebApplicationType.SERVLET)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .initializers(context -> context.getBeanFactory().registerSingleton("identityProviderSetup", setup))
                // Command-line arguments outrank environment variables, so the main application's SERVER_PORT and
                // the like cannot move this server.
                .run("--spring.config.name=nebari-demo-identity-provider",
                        "--spring.application.name=nebari-demo-identity-provider",
                        "--spring.jmx.enabled=false",
                        "--spring.threads.virtual.enabled=true",
                        // Logging belongs to the main application, which set it up and shuts it down.
                        "--logging.register-shutdown-hook=false",
                        // Loopback only: the demo's passwords are published.
                        "--server.address=127.0.0.1",
                        "--server.port=" + setup.port(),
                        // Cookies are per host, not per port: its own name keeps it apart from the portal's session.
                        "--server.servlet.session.cookie.name=" + SESSION_COOKIE,
                        "--server.servlet.session.cookie.same-site=lax",
                        "--server.servlet.session.cookie.http-only=true");
    }

    /** The authorization server's endpoints; a browser that is not signed in is sent to the sign-in page. */
    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerEndpoints(HttpSecurity http, IdentityProviderSetup setup) throws Exception {
        http.oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.oidc(oidc -> oidc.userInfoEndpoint(userInfo -> userInfo.userInfoMapper(context ->
                            new OidcUserInfo(setup.user(context.getAuthorization().getPrincipalName())
                                    .map(DemoUser::claims)
                                    .orElseThrow(() -> new IllegalStateException("unknown user "
                                            + context.getAuthorization().getPrincipalName()))))));
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                // Swagger UI on the portal's pages exchanges its code here from the browser, across origins.
                .cors(cors -> cors.configurationSource(portalOrigins(setup)))
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
                // The user-info endpoint takes the access token this server issued.
                .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults()));
        return http.build();
    }

    /**
     * Cross-origin calls from the portal's pages to the token endpoint only. Both chains apply it: the endpoints'
     * chain matches {@code POST /oauth2/token}, the browser's preflight {@code OPTIONS} falls to the sign-in chain.
     */
    private static CorsConfigurationSource portalOrigins(IdentityProviderSetup setup) {
        var cors = new CorsConfiguration();
        cors.setAllowedOrigins(setup.portalUrls());
        cors.setAllowedMethods(List.of("POST"));
        cors.setAllowedHeaders(List.of("*"));
        var tokenPath = URI.create(setup.tokenEndpoint()).getPath();
        return request -> tokenPath.equals(request.getRequestURI()) ? cors : null;
    }

    /** The sign-in form and everything else. */
    @Bean
    @Order(2)
    SecurityFilterChain signIn(HttpSecurity http, IdentityProviderSetup setup) throws Exception {
        http.cors(cors -> cors.configurationSource(portalOrigins(setup)))
                .authorizeHttpRequests(requests -> requests.requestMatchers(LOGIN_PAGE, "/error").permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage(LOGIN_PAGE));
        return http.build();
    }

    @Bean
    RouterFunction<ServerResponse> signInPage(IdentityProviderSetup setup) {
        return SignInPage.route(LOGIN_PAGE, setup);
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService users(IdentityProviderSetup setup, PasswordEncoder passwords) {
        return new InMemoryUserDetailsManager(setup.users().stream()
                .map(user -> User.withUsername(user.username()).password(passwords.encode(user.password()))
                        .roles("USER").build())
                .toList());
    }

    /**
     * The portal: a confidential client that must use PKCE too, with the demo's redirect and logout URIs. It may also
     * use the client-credentials grant, so that the command the demo prints gets a token for the REST API in one
     * request (like a Keycloak client with service accounts enabled; the token's subject is the client).
     * With {@code apiClientId}, also the OpenAPI page's public client: authorization code with PKCE, no secret.
     */
    @Bean
    RegisteredClientRepository clients(IdentityProviderSetup setup, PasswordEncoder passwords) {
        var portalClient = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(setup.clientId())
                .clientName("Nebari LLM Serving portal (demo)")
                .clientSecret(passwords.encode(setup.clientSecret()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .redirectUris(uris -> uris.addAll(setup.redirectUris()))
                .postLogoutRedirectUris(uris -> uris.addAll(setup.postLogoutRedirectUris()));
        var portal = signInWithPkce(portalClient).build();
        if (setup.apiClientId().isBlank()) {
            return new InMemoryRegisteredClientRepository(portal);
        }
        var openApiPage = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(setup.apiClientId())
                .clientName("Nebari LLM Serving REST API (demo)")
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUris(uris -> uris.addAll(setup.swaggerUiRedirectUris()));
        return new InMemoryRegisteredClientRepository(portal, signInWithPkce(openApiPage).build());
    }

    /** What both demo clients share: OpenID Connect scopes, PKCE always, no consent screen, 30-minute access tokens. */
    private static RegisteredClient.Builder signInWithPkce(RegisteredClient.Builder client) {
        return client.scope(OidcScopes.OPENID)
                .scope(OidcScopes.PROFILE)
                .scope(OidcScopes.EMAIL)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(Duration.ofMinutes(30)).build());
    }

    /** The issuer exactly as the portal knows it: the portal compares it with every token's {@code iss}. */
    @Bean
    AuthorizationServerSettings authorizationServerSettings(IdentityProviderSetup setup) {
        return AuthorizationServerSettings.builder().issuer(setup.issuer()).build();
    }

    /** Groups, user name and e-mail in ID and access tokens, like the Keycloak client scopes Nebari sets up. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> demoClaims(IdentityProviderSetup setup) {
        return context -> setup.user(context.getPrincipal().getName()).ifPresent(user -> context.getClaims()
                .claim("groups", user.groups())
                .claim("preferred_username", user.username())
                .claim("email", user.username())
                .claim("name", user.name()));
    }

    /** A signing key made at start: tokens die with the process, which suits a demo. */
    @Bean
    JWKSource<SecurityContext> signingKeys() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var pair = generator.generateKeyPair();
            var key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Bean
    JwtDecoder accessTokenDecoder(JWKSource<SecurityContext> keys) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
    }
}
