package dev.nebari.llm.portal;

import dev.nebari.llm.identity.CallerResolver;
import dev.nebari.llm.keys.GroupsCheck;
import dev.nebari.llm.keys.KeyOwner;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/**
 * After a sign-in, revokes the user's keys for models the user no longer may use (a user who lost a group loses
 * the keys it granted; docs/api-keys.md, "Automatic revocation"), then continues to the page the
 * user asked for ({@link GroupsCheck}: a failure is logged and does not block the sign-in).
 */
final class LoginHousekeeping extends SavedRequestAwareAuthenticationSuccessHandler {

    private final CallerResolver callers;
    private final GroupsCheck groups;

    LoginHousekeeping(CallerResolver callers, GroupsCheck groups) {
        this.callers = callers;
        this.groups = groups;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws ServletException, IOException {
        if (authentication.getPrincipal() instanceof OidcUser user) {
            var caller = callers.resolve(user.getClaims());
            groups.onSignIn(new KeyOwner(caller.subject(), caller.username()), caller.groups());
        }
        super.onAuthenticationSuccess(request, response, authentication);
    }
}
