package dev.nebari.llm.api;

import dev.nebari.llm.identity.VerifiedIssuer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Errors raised in the API's security filters, before Spring MVC (and its exception handlers) is reached: the
 * bearer-token decoder cannot start because the identity provider is unreachable or names another issuer, or its
 * keys cannot be fetched. Without this they fall through to the servlet container's error page (Spring's default
 * JSON, status 500); here they become problem+json, 503 with the reason for the identity provider.
 */
final class ApiFilterErrors extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiFilterErrors.class);

    private final ApiSecurityConfiguration.ProblemWriter problems;

    ApiFilterErrors(ApiSecurityConfiguration.ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException e) {
            if (response.isCommitted()) {
                throw e;
            }
            var issuer = causeOfType(e, VerifiedIssuer.IssuerProblem.class);
            if (issuer != null) {
                problems.write(response, ProblemDetails.of(ProblemType.IDENTITY_PROVIDER_UNAVAILABLE,
                        "Tokens cannot be checked. " + issuer.getMessage()));
            } else if (e instanceof AuthenticationServiceException) {
                log.warn("REST API: tokens cannot be checked: {}", e.getMessage());
                problems.write(response, ProblemDetails.of(ProblemType.IDENTITY_PROVIDER_UNAVAILABLE,
                        "Tokens cannot be checked: the identity provider's keys could not be read; try again shortly."));
            } else {
                log.error("Unexpected error in the REST API's filters", e);
                problems.write(response, ProblemDetails.of(ProblemType.INTERNAL_ERROR,
                        "An unexpected error occurred; the logs have the details."));
            }
        }
    }

    private static <T extends Throwable> @Nullable T causeOfType(Throwable e, Class<T> type) {
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
