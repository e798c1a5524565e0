package dev.nebari.llm.portal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SimpleSavedRequest;
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
    /** Where HttpSessionRequestCache keeps the page to return to after sign-in. */
    private static final String SAVED_REQUEST = "SPRING_SECURITY_SAVED_REQUEST";

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
                toSignInReturningToTheForm(request, response);
            }
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * A form sent when the session had ended is not replayed; the user signs in again (told why) and comes back to
     * the page the form was on (its Referer, when it is one of the portal's own pages; else the form's address).
     */
    static void toSignInReturningToTheForm(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var page = formPage(request);
        request.getSession(true).setAttribute(SAVED_REQUEST, new SimpleSavedRequest(page));
        response.sendRedirect(request.getContextPath() + PortalSecurityConfiguration.LOGIN_PAGE + "?" + EXPIRED_PARAMETER);
    }

    private static String formPage(HttpServletRequest request) {
        var fallback = request.getRequestURI();
        var referer = request.getHeader("Referer");
        if (referer == null) {
            return fallback;
        }
        try {
            var uri = URI.create(referer);
            // Only a path is kept (never another host), so this cannot send anyone elsewhere.
            var sameHost = uri.getHost() != null && uri.getHost().equalsIgnoreCase(request.getServerName());
            var path = uri.getRawPath();
            if (sameHost && path != null && path.startsWith(request.getContextPath() + "/") && !path.startsWith(request.getContextPath() + "/login")) {
                return path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            }
        } catch (IllegalArgumentException e) {
            // not a URL: the form's own address
        }
        return fallback;
    }
}
