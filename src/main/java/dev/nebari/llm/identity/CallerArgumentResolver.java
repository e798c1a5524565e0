package dev.nebari.llm.identity;

import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Lets handlers take the verified {@link Caller} as a parameter: from the bearer token on the REST API, from the
 * signed-in OIDC user (ID token and user-info claims) on the portal's pages. Both go through one
 * {@link CallerResolver}, so a user has the same groups and admin role on either side.
 */
final class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    private final CallerResolver callers;

    CallerArgumentResolver(CallerResolver callers) {
        this.callers = callers;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Caller resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
            WebDataBinderFactory binders) {
        return callers.resolve(verifiedClaims(SecurityContextHolder.getContext().getAuthentication()));
    }

    private static Map<String, Object> verifiedClaims(Authentication authentication) {
        return switch (authentication) {
            case JwtAuthenticationToken token -> token.getToken().getClaims();
            case Authentication signedIn when signedIn.getPrincipal() instanceof OidcUser user -> user.getClaims();
            // Every chain that reaches a handler with a Caller parameter authenticates first: this is a wiring mistake.
            case null, default -> throw new IllegalStateException("no verified identity for this request");
        };
    }
}
