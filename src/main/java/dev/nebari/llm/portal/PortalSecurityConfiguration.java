package dev.nebari.llm.portal;

import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.identity.CallerResolver;
import dev.nebari.llm.identity.OidcIssuer;
import dev.nebari.llm.identity.OidcLoginClient;
import dev.nebari.llm.identity.VerifiedIssuer;
import dev.nebari.llm.keys.GroupsCheck;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;

/**
 * The pages' filter chain: OIDC authorization-code login with PKCE, a server-side session, CSRF tokens on every
 * form (Spring Security's default, which Thymeleaf forms pick up), and security headers. It claims only the
 * portal's paths; the REST API has its own bearer-token chain and everything else falls to the deny-all default.
 */
@Configuration(proxyBeanMethods = false)
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
class PortalSecurityConfiguration {

    /** After the REST API's chain (10), before the catch-all default. */
    static final int ORDER = 20;
    static final String LOGIN_PAGE = "/login";
    static final String AUTHORIZATION_BASE = "/oauth2/authorization";

    @Bean
    DiscoveredClientRegistration portalClientRegistrations(VerifiedIssuer issuer, OidcLoginClient client) {
        return new DiscoveredClientRegistration(issuer, client);
    }

    @Bean
    @Order(ORDER)
    SecurityFilterChain portalFilterChain(HttpSecurity http, ClientRegistrationRepository registrations,
            CallerResolver callers, GroupsCheck groups, OidcIssuer issuer) throws Exception {
        var authorizationRequests = new DefaultOAuth2AuthorizationRequestResolver(registrations, AUTHORIZATION_BASE);
        // PKCE (S256) for the confidential client too: a stolen authorization code is useless without the verifier.
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        var logoutAtIssuer = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        logoutAtIssuer.setPostLogoutRedirectUri("{baseUrl}" + LOGIN_PAGE + "?logout");

        // After sign-in, back to the page asked for, without Spring Security's "?continue" marker in the URL.
        var savedRequests = new HttpSessionRequestCache();
        savedRequests.setMatchingRequestParameterName(null);
        http.securityMatcher(PortalPaths.ALL)
                .requestCache(cache -> cache.requestCache(savedRequests))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(PortalPaths.PUBLIC).permitAll()
                        .requestMatchers(PortalPaths.ADMIN).hasAuthority(Caller.ADMIN_AUTHORITY)
                        .anyRequest().authenticated())
                .oauth2Login(login -> login
                        .loginPage(LOGIN_PAGE)
                        .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(authorizationRequests))
                        .userInfoEndpoint(userInfo -> userInfo.oidcUserService(new PortalUserService(callers)))
                        .successHandler(new LoginHousekeeping(callers, groups))
                        .failureUrl(LOGIN_PAGE + "?error"))
                .addFilterBefore(new SignInExpiry(Clock.systemUTC()), AuthorizationFilter.class)
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessHandler(logoutAtIssuer))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE))
                        .accessDeniedHandler(PortalSecurityConfiguration::deniedOrSessionEnded))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(ContentSecurityPolicy.forIssuer(issuer.url())))
                        .frameOptions(frames -> frames.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
        return http.build();
    }

    /**
     * A form sent after the session ended (idle timeout, restart) carries a CSRF token nobody knows any more and is
     * refused: that is not "for administrators only" — the user is sent to sign in again, told why. Other refusals
     * keep the error page.
     */
    private static void deniedOrSessionEnded(HttpServletRequest request, HttpServletResponse response,
            AccessDeniedException denied) throws IOException, ServletException {
        var sessionEnded = denied instanceof CsrfException
                && request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
        if (sessionEnded) {
            SignInExpiry.toSignInReturningToTheForm(request, response);
            return;
        }
        new AccessDeniedHandlerImpl().handle(request, response, denied);
    }
}
