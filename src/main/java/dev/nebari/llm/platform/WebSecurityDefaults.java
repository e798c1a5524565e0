package dev.nebari.llm.platform;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The last security filter chain, for requests no module claims. Without any chain Spring Boot would install its
 * own (form login with a generated password), which would put Prometheus scraping behind a password nobody knows.
 * Management endpoints (their own port, reached only in-cluster) and the OpenAPI document stay open; anything else
 * is denied until a module (the REST API for {@code /api/**}, the portal for its pages) adds a chain with its own
 * matcher and a higher precedence.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityDefaults {

    /**
     * No observation of the security filters, authentication and authorisation: Spring Security otherwise wraps
     * each of its filters in an observation of its own (Micrometer alone was 5 % of the portal's request threads'
     * samples while keys were minted through the REST API, bench/scale, JFR), for timers nobody reads. Requests are
     * still timed as a whole ({@code http_server_requests_seconds}).
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain unclaimedRequests(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/**", "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
                                "/swagger-ui.html", "/swagger-ui/**", "/error").permitAll()
                        .anyRequest().denyAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }
}
