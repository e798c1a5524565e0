package dev.nebari.llm.api;

import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.identity.CallerResolver;
import dev.nebari.llm.identity.OidcIssuer;
import dev.nebari.llm.keys.GroupsCheck;
import dev.nebari.llm.platform.PackSettings;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's filter chain: {@code /api/**} only, bearer JWTs only, no session. CSRF protection is off for this
 * chain alone, because a browser never attaches a bearer token on its own (there is no cookie to ride on). The
 * portal's pages get their own chain (OIDC login, session, CSRF) with a lower precedence and their own matcher.
 */
@Configuration(proxyBeanMethods = false)
@Profile("portal")
class ApiSecurityConfiguration {

    /** The authority of members of {@code auth.adminGroups}. */
    static final String ADMIN = Caller.ADMIN_AUTHORITY;
    /** Before the pages chain and the catch-all chain, which match everything else. */
    static final int ORDER = 10;

    @Bean
    @Order(ORDER)
    SecurityFilterChain apiFilterChain(HttpSecurity http, JwtDecoder decoder, CallerResolver callers, JsonMapper json,
            OidcIssuer issuer, PackSettings settings, GroupsCheck groups) throws Exception {
        var problems = new ProblemWriter(json);
        var refusals = new BearerTokenRefusals(issuer.url(), settings.auth().oidc().audience(), Clock.systemUTC());
        var bearer = new BearerTokenAuthenticationEntryPoint();
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/api/v1/admin/**").hasAuthority(ADMIN)
                        .anyRequest().authenticated())
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(token -> authenticate(token, callers)))
                        .authenticationEntryPoint((request, response, e) -> {
                            // Spring's entry point sets WWW-Authenticate (RFC 6750); the body is our problem.
                            bearer.commence(request, response, e);
                            problems.write(response, ProblemDetails.of(ProblemType.AUTHENTICATION_REQUIRED,
                                    refusals.explain(e, bearerToken(request))));
                        })
                        .accessDeniedHandler((request, response, e) -> problems.write(response,
                                ProblemDetails.of(ProblemType.ADMIN_ONLY, "This operation is for members of the admin groups."))))
                .addFilterBefore(new ApiFilterErrors(problems), BearerTokenAuthenticationFilter.class)
                .addFilterBefore(new RequestBodyLimit(problems), BearerTokenAuthenticationFilter.class)
                .addFilterAfter(new CallerGroupsFilter(callers, groups), BearerTokenAuthenticationFilter.class)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable());
        return http.build();
    }

    private static @Nullable String bearerToken(HttpServletRequest request) {
        var header = request.getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
    }

    private static AbstractAuthenticationToken authenticate(Jwt token, CallerResolver callers) {
        try {
            var caller = callers.resolve(token.getClaims());
            var authorities = caller.admin() ? List.of(new SimpleGrantedAuthority(ADMIN)) : List.<SimpleGrantedAuthority>of();
            return new JwtAuthenticationToken(token, authorities, caller.subject());
        } catch (IllegalArgumentException e) {
            throw new InvalidBearerTokenException(e.getMessage());
        }
    }

    /** Writes problem details from the filters, which run before Spring MVC's converters. */
    record ProblemWriter(JsonMapper json) {
        void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
            response.setStatus(problem.getStatus());
            response.setContentType("application/problem+json");
            json.writeValue(response.getOutputStream(), ProblemDetails.asMap(problem));
        }
    }

}
