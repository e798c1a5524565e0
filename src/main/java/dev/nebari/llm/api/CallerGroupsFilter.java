package dev.nebari.llm.api;

import dev.nebari.llm.identity.CallerResolver;
import dev.nebari.llm.keys.GroupsCheck;
import dev.nebari.llm.keys.KeyOwner;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every authenticated API call carries the caller's current groups: their keys for models those groups no longer
 * reach are revoked ({@link GroupsCheck}, throttled per user), before the call itself runs — so a REST-only user
 * who left a group cannot keep using, or list as usable, what that group granted.
 */
final class CallerGroupsFilter extends OncePerRequestFilter {

    private final CallerResolver callers;
    private final GroupsCheck groups;

    CallerGroupsFilter(CallerResolver callers, GroupsCheck groups) {
        this.callers = callers;
        this.groups = groups;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token) {
            var caller = callers.resolve(token.getToken().getClaims());
            groups.onRequest(new KeyOwner(caller.subject(), caller.username()), caller.groups());
        }
        chain.doFilter(request, response);
    }
}
