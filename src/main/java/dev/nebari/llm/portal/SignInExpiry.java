package dev.nebari.llm.portal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a portal session when the ID token it was opened with expires. The session holds the groups of that sign-in;
 * without an end it would keep them (and let the user mint for models they have since lost) for as long as it is
 * used. A page request goes through the identity provider again — usually without a prompt, since the provider's own
 * session is still valid — and returns to the page with fresh groups (and keys for lost models revoked at that
 * sign-in); a form sent after the end is not replayed: the sign-in page says what happened.
 */
final class SignInExpiry extends OncePerRequestFilter {

    static final String EXPIRED_PARAMETER = "expired";

    private final Clock clock;
    private final HttpSessionRequestCache requests = new HttpSessionRequestCache();

    SignInExpiry(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof OidcUser user
                && user.getIdToken().getExpiresAt() != null && !clock.instant().isBefore(user.getIdToken().getExpiresAt())) {
            SecurityContextHolder.clearContext();
            var session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            if ("GET".equals(request.getMethod())) {
                requests.saveRequest(request, response);
                response.sendRedirect(request.getContextPath() + PortalSecurityConfiguration.AUTHORIZATION_BASE + "/"
                        + DiscoveredClientRegistration.REGISTRATION_ID);
            } else {
                response.sendRedirect(request.getContextPath() + PortalSecurityConfiguration.LOGIN_PAGE + "?"
                        + EXPIRED_PARAMETER);
            }
            return;
        }
        chain.doFilter(request, response);
    }
}
